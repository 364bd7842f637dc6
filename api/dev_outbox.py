"""`polku dev`'s outbox: a local SMTP sink and a Twilio stand-in, so a newcomer sees what learners are sent.

Both run in this process on free local ports and append each message, as one JSON line, to `var/outbox.jsonl`;
the worker is pointed at them through SMTP_HOST/SMTP_PORT and TWILIO_API_BASE (unless those are set), so its
real senders do the real protocol work. The development page /kehitys/lahetetyt (survey_ui.kehitys) lists
the file when POLKU_DEV_OUTBOX names it; without that variable the page does not exist.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiohttp import web
from aiosmtpd.controller import Controller

ENV_VAR = "POLKU_DEV_OUTBOX"
_lock = threading.Lock()


def append(path: Path, kanava: str, to: str, subject: str, body: str) -> None:
    entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "kanava": kanava, "to": to}
    entry |= {"subject": subject, "body": body}
    with _lock, path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


def read(path: Path, limit: int = 200) -> list[dict[str, Any]]:
    """The newest `limit` messages, newest first."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()[-limit:]
    return [json.loads(line) for line in reversed(lines) if line.strip()]


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


@dataclass
class _SmtpHandler:
    path: Path

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        append(self.path, "email", ", ".join(envelope.rcpt_tos), str(message["Subject"] or ""), _text_of(message))
        return "250 OK"


class Outbox:
    """Starts the SMTP sink and the SMS stand-in; `env` is what the worker needs to use them."""

    def __init__(self, path: Path, smtp_port: int, sms_port: int) -> None:
        self.path, self.smtp_port, self.sms_port = path, smtp_port, sms_port
        self._smtp = Controller(_SmtpHandler(path), hostname="127.0.0.1", port=smtp_port)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def env(self) -> dict[str, str]:
        return {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.smtp_port),
            "SMTP_TLS": "none",
            "TWILIO_API_BASE": f"http://127.0.0.1:{self.sms_port}",
            ENV_VAR: str(self.path),
        }

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._smtp.start()
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve_sms(), self._loop).result(timeout=10)

    async def _serve_sms(self) -> None:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._sms)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.sms_port).start()

    async def _sms(self, request: web.Request) -> web.Response:
        form = await request.post()
        to, body = str(form.get("To", "")), str(form.get("Body", ""))
        append(self.path, "sms", to, "", body)
        sid = "SM" + format(abs(hash((to, body, datetime.now(UTC)))), "032x")[:32]
        return web.json_response({"sid": sid, "status": "sent", "to": to}, status=201)

    def stop(self) -> None:
        self._smtp.stop()
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
