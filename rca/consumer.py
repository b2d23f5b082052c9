"""The entry point of a separate job consumer: ``huey_consumer rca.consumer.huey -w 2``.

Importing it builds the app from the environment (the same ``DATABASE_URL``,
``RCA_JOBS_BACKEND=redis`` and instance folder as the web app), runs each area's check for a
consumer that is starting (imports left running by a dead process), and hands huey the app's
queue with every area's task registered. Kept apart from ``rca.jobs`` so that the queue never
imports the app factory, which imports every area.
"""

from __future__ import annotations

from huey.api import Huey

from rca import create_app
from rca.jobs import jobs_for

_jobs = jobs_for(create_app())
_jobs.consumer_starting()

huey: Huey = _jobs.huey
