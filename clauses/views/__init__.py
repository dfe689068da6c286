"""Blueprints and error handlers."""

from flask import Flask


def register(app: Flask) -> None:
    pass
