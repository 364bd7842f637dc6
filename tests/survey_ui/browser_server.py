"""Serve the real app under uvicorn for the browser tests, on a fresh PostgreSQL database seeded here.

Run as `python -m tests.survey_ui.browser_server <database_url> <port>`: creates the schema, seeds providers and
links, prints the link tunnukset as one JSON line, then serves until terminated.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime

import uvicorn
from tortoise import Tortoise

from api.app import create_app
from models.db import tortoise_config
from models.kyselylinkki import Kyselytyyppi
from models.settings import Settings
from models.user import RoleName
from models.vastaus import KyselyAsetus, Lisakysymys
from tests.factories import provider, user_token
from tests.survey_ui.conftest import make_link

REDIRECT = "https://palaute.example.fi/kiitos"


async def seed(database_url: str) -> dict[str, str]:
    await Tortoise.init(config=tortoise_config(database_url))
    await Tortoise.generate_schemas()
    try:
        with_url, oppilaitos = await provider()
        without_url, _ = await provider()
        await KyselyAsetus.create(
            koulutustoimija=with_url, kyselytyyppi=Kyselytyyppi.ALOITTANEET, uudelleenohjaus_url=REDIRECT
        )
        await Lisakysymys.create(
            koulutustoimija=with_url,
            kyselytyyppi=Kyselytyyppi.ALOITTANEET,
            jarjestys=1,
            maaritys={
                "tyyppi": "teksti",
                "pakollinen": False,
                "max_pituus": 500,
                "teksti": {"fi": "Terveiset oppilaitokselle", "sv": "Hälsningar till skolan", "en": "Greetings"},
            },
        )
        links = {
            "fi": await make_link(with_url),
            "sv": await make_link(with_url),
            "en": await make_link(without_url),
            "virhe": await make_link(with_url),
            "avoin": await make_link(with_url),
            "ei_auki": await make_link(with_url, alku=5),
            "vanhentunut": await make_link(with_url, alku=-40, loppu=-1),
            "vastattu": await make_link(with_url, vastattu_at=datetime(2021, 9, 1, tzinfo=UTC)),
            "kielenvaihto": await make_link(
                with_url, oppilaitos=oppilaitos, tutkinto_nimi="Ajoneuvoalan perustutkinto"
            ),
            "jatka": await make_link(with_url),
            "ohjaaja": await make_link(
                with_url,
                Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY,
                oppilaitos=oppilaitos,
                tutkinto_nimi="Logistiikan perustutkinto",
            ),
        }
        tunnukset = {name: link.tunnus for name, link in links.items()}
        return {**tunnukset, "token": await user_token(with_url, RoleName.ADMIN)}
    finally:
        await Tortoise.close_connections()


def main() -> None:
    database_url, port = sys.argv[1], int(sys.argv[2])
    print(json.dumps(asyncio.run(seed(database_url))), flush=True)
    app = create_app(Settings(database_url=database_url, explorer=True))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
