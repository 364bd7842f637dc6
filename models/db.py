"""Tortoise configuration: which modules hold tables, and how to connect."""

from __future__ import annotations

from typing import Any

from models.settings import Settings

MODEL_MODULES = [
    "models.organisation",
    "models.oppija",
    "models.opiskeluoikeus",
    "models.hoks",
    "models.user",
    "models.audit",
    "models.kyselylinkki",
    "models.vastaus",
    "models.valpas",
    "models.herate",
]


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For the `tortoise` CLI (makemigrations): `tortoise -c models.db.TORTOISE_ORM makemigrations`.
TORTOISE_ORM = tortoise_config(Settings.from_env().database_url)
