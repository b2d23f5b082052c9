"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from rca import create_app

app = create_app()
