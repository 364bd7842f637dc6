"""`polku dev`'s outbox and first-hour checks: the real senders deliver into the local sink and stand-in, the
development page lists what was sent with clickable links, a taken port stops `polku dev` before its banner."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

import aiosmtplib
import pytest

from api import dev
from api.dev_outbox import ENV_VAR, Outbox, read
from jobs.email import build_message
from jobs.sms import SmsSender
from jobs.viestit import Viesti
from models.settings import Settings
from tests.support import free_port


@pytest.fixture
def outbox(tmp_path: Path):  # type: ignore[no-untyped-def]
    box = Outbox(tmp_path / "outbox.jsonl", free_port(), free_port())
    box.start()
    try:
        yield box
    finally:
        box.stop()


async def test_email_and_sms_land_in_the_outbox_and_the_page_links_them(outbox, client, monkeypatch):
    url = "http://127.0.0.1:8000/v/abcdefghijklmnopqrstu"
    message = build_message(Viesti("Palautekysely", f"Vastaa: {url}", f"<a href='{url}'>x</a>"), "aino@example.fi", 1)
    await aiosmtplib.send(message, hostname="127.0.0.1", port=outbox.smtp_port)
    sms = SmsSender(Settings(twilio_api_base=f"http://127.0.0.1:{outbox.sms_port}"))
    try:
        assert (await sms.send("0401234567", f"Vastaa {url}")).startswith("SM")
    finally:
        await sms.close()

    sent = read(outbox.path)
    assert [(m["kanava"], m["to"]) for m in sent] == [("sms", "+358401234567"), ("email", "aino@example.fi")]
    assert sent[1]["subject"] == "Palautekysely" and url in sent[1]["body"]

    assert (await client.get("/kehitys/lahetetyt")).status_code == 404  # only under `polku dev`
    monkeypatch.setenv(ENV_VAR, str(outbox.path))
    page = await client.get("/kehitys/lahetetyt?lang=en")
    assert page.status_code == 200
    assert page.text.count(f'<a href="{url}">{url}</a>') == 2
    assert "aino@example.fi" in page.text
    start = await client.get("/?lang=fi")
    assert start.status_code == 200 and 'href="/kehitys/lahetetyt?lang=fi"' in start.text
    assert 'href="/raportti?lang=fi"' in start.text and 'href="/editori?lang=fi"' in start.text


def test_a_taken_port_stops_polku_dev_before_its_banner(capsys, monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setattr(dev, "prepare", lambda *a: pytest.fail("nothing may start on a taken port"))
        args = argparse.Namespace(host="127.0.0.1", port=port, oppijat=1)
        assert dev.run(args, Settings()) == 2
    out, err = capsys.readouterr()
    assert out == "" and f"port {port} on 127.0.0.1 is in use" in err and "PORT=" in err


def test_public_url_follows_the_port_unless_set(monkeypatch):
    monkeypatch.delenv("POLKU_PUBLIC_URL", raising=False)
    assert dev.with_public_url(Settings(), "127.0.0.1", 8011).public_base_url == "http://127.0.0.1:8011"
    monkeypatch.setenv("POLKU_PUBLIC_URL", "https://polku.example")
    assert dev.with_public_url(
        Settings(public_base_url="https://polku.example"), "127.0.0.1", 8011
    ).public_base_url == ("https://polku.example")
