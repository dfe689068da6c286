"""Addresses of the app's pages for what is read outside it, such as e-mails: built from the
routes and BASE_URL (where users reach the app), so no path is written by hand. Without
BASE_URL there is no address to give, and the e-mails say where to click instead."""

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app

from clauses.services import reminders


def page_address() -> Callable[..., str] | None:
    """url_for for a reader outside the app: absolute, at BASE_URL (None when it is not set).
    Works without a request, so the command line links as the pages do."""
    base = current_app.config.get("BASE_URL")
    if not base:
        return None
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )
    return lambda endpoint, **values: adapter.build(endpoint, values, force_external=True)


def reminder_links() -> reminders.Links | None:
    address = page_address()
    if address is None:
        return None
    return reminders.Links(
        upload=address("imports.new"),
        contract=lambda contract_id: address("contracts.detail", contract_id=contract_id),
    )
