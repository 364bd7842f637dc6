"""E-mail with aiosmtplib: one multipart (text + HTML) message holding fi/sv/en text (DOMAIN.md §4.3)."""

from __future__ import annotations

import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from jobs.failures import PermanentFailure, TemporaryFailure
from jobs.viestit import Viesti
from models.settings import Settings

SENDER = Address(display_name="Opetushallitus – Utbildningsstyrelsen", addr_spec="noreply@opintopolku.fi")
TIMEOUT_S = 30


def build_message(viesti: Viesti, to: str, toimitus_id: int) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = to
    msg["Subject"] = viesti.subject
    msg["Content-Language"] = "fi, sv, en"
    msg["Message-ID"] = make_msgid(idstring=f"toimitus-{toimitus_id}", domain="opintopolku.fi")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(viesti.text)
    msg.add_alternative(viesti.html, subtype="html")
    return msg


async def send_email(msg: EmailMessage, settings: Settings) -> str:
    """Hand the message to the SMTP server; returns the server's reply. Raises Temporary/PermanentFailure.

    SMTP 4xx and connection problems are temporary; a 5xx is permanent, and a refused recipient is a bounce.
    """
    try:
        _, reply = await aiosmtplib.send(
            msg,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            use_tls=settings.smtp_tls == "tls",
            start_tls=settings.smtp_tls == "starttls",
            tls_context=ssl.create_default_context() if settings.smtp_tls != "none" else None,
            timeout=TIMEOUT_S,
        )
        return reply
    except aiosmtplib.SMTPRecipientsRefused as e:
        codes = [r.code for r in e.recipients]
        reason = "; ".join(f"{r.code} {r.message}" for r in e.recipients)
        if all(500 <= c < 600 for c in codes):
            raise PermanentFailure(f"recipient refused: {reason}", bounced=True) from e
        raise TemporaryFailure(f"recipient deferred: {reason}") from e
    except aiosmtplib.SMTPResponseException as e:
        if 500 <= e.code < 600:
            raise PermanentFailure(f"SMTP {e.code} {e.message}") from e
        raise TemporaryFailure(f"SMTP {e.code} {e.message}") from e
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as e:
        raise TemporaryFailure(f"SMTP unavailable: {e.__class__.__name__}: {e}") from e
