"""gunicorn settings for production (docs/DEPLOY.md).

    gunicorn -c deploy/gunicorn.conf.py wsgi:app

Every figure can be changed from the environment (systemd's EnvironmentFile, the Procfile's
.env) without editing this file:

- ``RCA_BIND`` (default ``127.0.0.1:8000``): behind nginx on the same machine, loopback only;
- ``RCA_WEB_WORKERS`` (default 2): processes per instance. Each is one Python interpreter, so
  about one per core the instance may use;
- ``RCA_WEB_THREADS`` (default 4): threads per worker (gthread). Most of a request's time is
  the database and the template, and a meeting's polls are many small requests held on
  keep-alive connections: a few threads per process serve them without a process each;
- ``RCA_DB_POOL_SIZE`` follows the threads (one PostgreSQL connection per request thread), unless
  set: see the connection budget in docs/DEPLOY.md. Measured with bench/pg_pool.py: 64 clients
  on 2 workers x 4 threads hold at 0 errors and 8 connections (budget 2 x (4 + 2) = 12), the
  throughput of 8 clients kept (ratio 0.91); the extra clients wait in gunicorn's accept queue,
  never for a pool connection, so a pool larger than the threads would only hold idle
  connections, and one smaller would make requests wait DB_POOL_TIMEOUT and answer 503.
"""

from __future__ import annotations

import os

bind = os.environ.get("RCA_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("RCA_WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("RCA_WEB_THREADS", "4"))
# Read by rca.config before the app is loaded (preload below), so the pool matches the threads.
os.environ.setdefault("RCA_DB_POOL_SIZE", str(threads))
# nginx keeps its upstream connections open (keepalive in deploy/nginx/rca.conf); a little longer
# here than nginx's idle timeout would be wrong, so the two are set together.
keepalive = 15
# A request (a PDF render, a large upload being read) may take a while; nothing legitimate takes
# two minutes. Imports run in the huey consumers, never in a web worker.
timeout = 120
graceful_timeout = 30
# Load the app once in the master and fork the workers from it: a broken configuration fails at
# start, not in each worker, and the workers share the loaded code's memory.
preload_app = True
# The proxy's X-Forwarded-Proto is believed from loopback only (gunicorn's own check); the app's
# TRUSTED_PROXIES does the same for X-Forwarded-For (the client address sign-in limits count).
forwarded_allow_ips = os.environ.get("RCA_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("RCA_LOG_LEVEL", "info")
# gunicorn 23+ opens a control socket at one fixed path per directory; two instances on one
# machine would fight over it.
control_socket_disable = True


def post_fork(server, worker):  # type: ignore[no-untyped-def]
    """A forked worker must not reuse the master's database connections (preload_app)."""
    from rca.db import db

    app = server.app.wsgi()
    with app.app_context():
        db.engine.dispose(close=False)
