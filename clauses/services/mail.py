"""Outgoing e-mail through the SMTP server of the settings (MAIL_* in clauses/config.py).

No Flask here: callers pass the app's config (any mapping), so the command line and the pages
send the same way.
"""

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from functools import cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations

from clauses.errors import MailSecurityConflict

# What sending may raise: the SMTP protocol's refusals, and the network's (refused, timed out,
# TLS), which are OSError. Both are caught near each send, so one failure stops nothing else.
SEND_ERRORS = (smtplib.SMTPException, OSError)


# E-mails are read outside the app: their sentences come from the app's catalogue (English ids,
# translations beside), read with Babel rather than Flask-Babel, which needs a request.
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


@cache
def catalogue(locale: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS), [locale])


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    use_ssl: bool
    sender: str
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "MailSettings":
        # CLAUSES_* values are parsed as JSON, so a password of digits arrives as a number.
        username, password = config.get("MAIL_USERNAME"), config.get("MAIL_PASSWORD")
        settings = cls(
            host=str(config.get("MAIL_HOST") or "localhost"),
            port=int(config.get("MAIL_PORT") or 25),
            username=None if username in (None, "") else str(username),
            password=None if password is None else str(password),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            sender=str(config.get("MAIL_SENDER") or "Clauses <clauses@localhost>"),
            timeout=float(config.get("MAIL_TIMEOUT") or 10),
        )
        if settings.use_tls and settings.use_ssl:
            raise MailSecurityConflict()
        return settings

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


def new_message(
    settings: MailSettings, recipients: tuple[str, ...], subject: str, body: str, now: datetime
) -> Message:
    """A plain-text message in UTF-8. Built with email.mime and Header rather than
    EmailMessage: the latter's folding (Python 3.11) drops the space between two encoded words
    of a long accented subject ("attendu— marché")."""
    charset = Charset("utf-8")
    charset.body_encoding = QP  # readable in the raw message, safe for 7-bit servers
    message = MIMEText(body, "plain", charset)  # type: ignore[arg-type]  # a Charset is accepted
    name, address = parseaddr(settings.sender)
    message["From"] = formataddr((name, address), charset="utf-8")
    message["To"] = ", ".join(recipients)
    # A Header is what the email.mime classes take for encoded words; typeshed says str only.
    message["Subject"] = Header(subject, "utf-8")  # type: ignore[assignment]
    message["Date"] = format_datetime(now)
    # Our own domain in the Message-ID: make_msgid() would otherwise ask the DNS for this host.
    message["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or "localhost")
    return message


def open_connection(settings: MailSettings) -> smtplib.SMTP:
    """One SMTP session for a whole run; raises one of SEND_ERRORS when the server cannot be
    reached, refuses TLS or the login."""
    context = ssl.create_default_context()
    if settings.use_ssl:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.use_tls:
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password or "")
    except SEND_ERRORS:
        smtp.close()
        raise
    return smtp


def close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except SEND_ERRORS:
        smtp.close()  # the server went away: nothing left to say goodbye to


def send(smtp: smtplib.SMTP, message: Message) -> dict[str, str]:
    """Send one message; the recipients the server refused, each with its reason (raises one of
    SEND_ERRORS when no one got it)."""
    try:
        refused = smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        refused = error.recipients
    return {recipient: _reply(code, text) for recipient, (code, text) in refused.items()}


def error_text(error: BaseException, settings: MailSettings) -> str:
    """A failure as the team can act on it: what the server (or the system) said, and which
    server. Kept as it was said, in no language of ours: pages show it after their own words."""
    if isinstance(error, smtplib.SMTPResponseException):
        said = _reply(error.smtp_code, error.smtp_error)
    elif isinstance(error, OSError) and error.strerror:
        said = error.strerror
    else:
        said = str(error) or type(error).__name__
    return f"{said} ({settings.server})"


def _reply(code: int, text: bytes | str) -> str:
    words = text.decode(errors="replace") if isinstance(text, bytes) else text
    return f"{code} {words}".strip()
