"""The editor's helpers: the provider picker's list and the live preview drawn by the form's own template."""

from __future__ import annotations

import json

from models.user import RoleName
from tests.factories import provider, user_token

QUESTION = {
    "tyyppi": "valinta",
    "pakollinen": True,
    "teksti": {"fi": "Miten löysit meidät?", "sv": "Hur hittade du oss?", "en": "How did you find us?"},
    "vaihtoehdot": [
        {"koodi": "netti", "teksti": {"fi": "Netistä", "sv": "På nätet", "en": "Online"}},
        {"koodi": "kaveri", "teksti": {"fi": "Kaverilta", "sv": "Av en vän", "en": "From a friend"}},
    ],
    "nayta_kun": {"kysymys": "vastaanotto", "arvot": ["4", "5"]},
}


async def test_picker_lists_the_providers_the_token_may_read(client):
    kt, _ = await provider()
    other, _ = await provider()
    token = await user_token(kt, RoleName.ADMIN)
    listed = await client.get("/editori/organisaatiot", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200 and listed.json() == [{"oid": kt.oid, "nimi": kt.nimi}]
    assert (await client.get("/editori/organisaatiot")).status_code == 401
    assert (await client.get("/editori/organisaatiot", headers={"Authorization": "Bearer nope"})).status_code == 401
    assert other.oid not in listed.text


async def test_preview_draws_the_question_as_the_form_does(client):
    shown = await client.get("/editori/esikatselu", params={"lang": "sv", "m": json.dumps(QUESTION)})
    assert shown.status_code == 200
    assert "Hur hittade du oss?" in shown.text and "På nätet" in shown.text
    assert 'type="radio" name="lisa:0" value="netti"' in shown.text
    assert 'data-nayta-kun="vastaanotto" data-arvot="4 5"' in shown.text
    assert "obligatorisk" in shown.text.lower()

    missing_sv = {**QUESTION, "teksti": {"fi": "Kysymys", "sv": "", "en": "Question"}}
    incomplete = await client.get("/editori/esikatselu", params={"m": json.dumps(missing_sv)})
    assert incomplete.status_code == 422 and incomplete.json()["error"]["field"].startswith("teksti")
    assert (await client.get("/editori/esikatselu", params={"m": "not json"})).status_code == 422
    injected = {**QUESTION, "teksti": {"fi": "<script>alert(1)</script>", "sv": "x", "en": "x"}}
    escaped = await client.get("/editori/esikatselu", params={"lang": "fi", "m": json.dumps(injected)})
    assert "<script>alert" not in escaped.text and "&lt;script&gt;" in escaped.text


async def test_editor_names_surveys_without_their_first_years(client):
    page = await client.get("/editori?lang=fi")
    assert "ammatillisen tutkintokoulutuksen aloittaneet</option>" in page.text and "2021-2022" not in page.text
