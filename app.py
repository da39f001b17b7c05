"""WSGI entry point: `flask --app app ...` and `gunicorn app:app` both load the app from here."""

from planner.app import create_app

app = create_app()
