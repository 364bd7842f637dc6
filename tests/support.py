"""Helpers shared by test folders: free ports, Debian chromium's launch settings, compiled message catalogs."""

from __future__ import annotations

import socket
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium keeps dialling out on a machine with no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def compile_catalogs() -> None:
    """What `make install` does with pybabel, for a checkout whose .mo files are missing or stale."""
    for po in LOCALES.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as f:
                catalog = read_po(f, locale=po.parent.parent.name, domain=po.stem)
            with mo.open("wb") as f:
                write_mo(f, catalog)
