"""Contracts pages."""

from flask import Blueprint

bp = Blueprint("contracts", __name__, url_prefix="/contracts")
