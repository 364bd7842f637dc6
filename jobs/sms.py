"""SMS through Twilio's API with the official client, to valid Finnish mobiles only (DOMAIN.md §4.3).

`TWILIO_API_BASE` points the client at another host (the tests' local stand-in); the request itself —
path, form body, Basic auth — is the real one.
"""

from __future__ import annotations

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from jobs.failures import PermanentFailure, TemporaryFailure
from models.services.palaute import e164
from models.settings import Settings

STATUS_CALLBACK_PATH = "/twilio/status"


class SmsSender:
    """One Twilio client (and its aiohttp session) for the worker's lifetime."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.http = AsyncTwilioHttpClient()
        self.client = Client(settings.twilio_account_sid, settings.twilio_auth_token, http_client=self.http)
        if settings.twilio_api_base:
            self.client.api.base_url = settings.twilio_api_base.rstrip("/")

    async def send(self, to: str, body: str) -> str:
        """Send; returns the message sid. Raises Temporary/PermanentFailure."""
        number = e164(to)
        if number is None:
            raise PermanentFailure(f"not a valid Finnish mobile number: {to}")
        sender = (
            {"messaging_service_sid": self.settings.twilio_messaging_service_sid}
            if self.settings.twilio_messaging_service_sid
            else {"from_": self.settings.twilio_from or "OPH"}
        )
        try:
            message = await self.client.messages.create_async(
                to=number,
                body=body,
                status_callback=f"{self.settings.public_base_url}{STATUS_CALLBACK_PATH}",
                **sender,
            )
        except TwilioRestException as e:
            if e.status == 429 or e.status >= 500:
                raise TemporaryFailure(f"Twilio HTTP {e.status}: {e.msg}") from e
            raise PermanentFailure(f"Twilio {e.code}: {e.msg}") from e
        except (aiohttp.ClientError, OSError, TimeoutError) as e:
            raise TemporaryFailure(f"Twilio unavailable: {e.__class__.__name__}: {e}") from e
        return str(message.sid)

    async def close(self) -> None:
        await self.http.close()
