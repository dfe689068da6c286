"""Entry point for gunicorn and `flask --app wsgi`: `gunicorn wsgi:app`."""

from clauses import create_app

app = create_app()
