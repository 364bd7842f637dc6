"""E-mail with aiosmtplib: one multipart (text + HTML) message holding fi/sv/en text (DOMAIN.md §4.3)."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, make_msgid

import aiosmtplib

from jobs.failures import PermanentFailure, TemporaryFailure
from jobs.viestit import Viesti
from models.settings import Settings

SENDER_NAME = "Opetushallitus – Utbildningsstyrelsen"
SENDER_ADDRESS = "noreply@opintopolku.fi"
TIMEOUT_S = 30


def build_message(viesti: Viesti, to: str, toimitus_id: int) -> MIMEMultipart:
    """multipart/alternative: the trilingual text, then the same as HTML.

    Built with the classic MIME classes: the header-parsing EmailMessage API costs about 1 ms a message, which
    alone would cap a sender at a few hundred messages a second.
    """
    msg = MIMEMultipart("alternative")
    msg["From"] = formataddr((SENDER_NAME, SENDER_ADDRESS), charset="utf-8")
    msg["To"] = to
    msg["Subject"] = Header(viesti.subject, "utf-8", header_name="Subject")  # type: ignore[assignment]
    msg["Content-Language"] = "fi, sv, en"
    msg["Message-ID"] = make_msgid(idstring=f"toimitus-{toimitus_id}", domain="opintopolku.fi")
    msg["Auto-Submitted"] = "auto-generated"
    msg.attach(MIMEText(viesti.text, "plain", "utf-8"))
    msg.attach(MIMEText(viesti.html, "html", "utf-8"))
    return msg


class SmtpSender:
    """Hands messages to the SMTP server over a few reused connections (a new connection per message would
    spend most of its time on connect, EHLO and QUIT). A connection that fails is dropped, never reused.
    """

    def __init__(self, settings: Settings, connections: int = 10) -> None:
        self.settings = settings
        self.idle: asyncio.Queue[aiosmtplib.SMTP | None] = asyncio.Queue()
        for _ in range(connections):
            self.idle.put_nowait(None)

    def _client(self) -> aiosmtplib.SMTP:
        s = self.settings
        return aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password,
            use_tls=s.smtp_tls == "tls",
            start_tls=s.smtp_tls == "starttls",
            tls_context=ssl.create_default_context() if s.smtp_tls != "none" else None,
            timeout=TIMEOUT_S,
        )

    async def send(self, msg: Message) -> None:
        """Raises TemporaryFailure (connection problems, 4xx) or PermanentFailure (5xx, or an address the
        server can never take; a refused recipient is a bounce)."""
        client = await self.idle.get()
        try:
            if client is None or not client.is_connected:
                client = self._client()
                await client.connect()
            await client.send_message(msg)
        except aiosmtplib.SMTPRecipientsRefused as e:
            await _reset(client)
            codes = [r.code for r in e.recipients]
            reason = "; ".join(f"{r.code} {r.message}" for r in e.recipients)
            if all(500 <= c < 600 for c in codes):
                raise PermanentFailure(f"recipient refused: {reason}", bounced=True) from e
            raise TemporaryFailure(f"recipient deferred: {reason}") from e
        except aiosmtplib.SMTPResponseException as e:
            await _reset(client)
            if 500 <= e.code < 600:
                raise PermanentFailure(f"SMTP {e.code} {e.message}") from e
            raise TemporaryFailure(f"SMTP {e.code} {e.message}") from e
        except aiosmtplib.SMTPNotSupported as e:
            # raised only for SMTPUTF8: an address with non-ASCII characters to a server without the extension
            # can never be sent, however often it is retried (issue 13 item 7)
            raise PermanentFailure(f"SMTP refused the address: {e}") from e
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as e:
            client = None
            raise TemporaryFailure(f"SMTP unavailable: {e.__class__.__name__}: {e}") from e
        finally:
            self.idle.put_nowait(client if client is not None and client.is_connected else None)

    async def close(self) -> None:
        """Quit the idle connections. Their slots stay in the pool (empty), so a send that comes later, or
        one still waiting for a slot, opens a new connection instead of waiting for ever."""
        drained = []
        while not self.idle.empty():
            drained.append(self.idle.get_nowait())
        for client in drained:
            if client is not None and client.is_connected:
                with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                    await client.quit()
            self.idle.put_nowait(None)


async def _reset(client: aiosmtplib.SMTP | None) -> None:
    """After a refused message, RSET so the connection can carry the next one (or drop it if that fails)."""
    if client is not None and client.is_connected:
        try:
            await client.rset()
        except (aiosmtplib.SMTPException, OSError):
            client.close()
