"""Two HOKSes of one learner saved at the same moment (issue 12 item 2): one aloituskysely per rahoituskausi and
koulutustoimija holds in the database, not only in Python."""

from __future__ import annotations

import asyncio

import pytest
from tortoise.context import TortoiseContext

from models.herate import Opiskelijaherate
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi
from models.rules.palaute import JO_KYSYTTY_RAHOITUSKAUDELLA
from models.services import hoks as service
from tests.factories import koski_doc, oppija_oid, provider
from tests.services.conftest import TODAY, Setting, plan, store

pytestmark = pytest.mark.postgres_only

LEARNERS = 10


async def test_two_study_rights_saved_at_once_get_one_aloituskysely(db: TortoiseContext) -> None:
    kt, ol = await provider()
    pairs = []
    for _ in range(LEARNERS):
        oppija = oppija_oid()
        settings = []
        for _ in range(2):
            doc = koski_doc(koulutustoimija=kt.oid, oppilaitos=ol.oid, oppija=oppija)
            await store(doc)
            settings.append(Setting(kt, ol, oppija, doc["oid"]))
        pairs.append(settings)

    for a, b in pairs:
        await asyncio.gather(
            service.create_hoks(plan(a), a.writer(), TODAY), service.create_hoks(plan(b), b.writer(), TODAY)
        )

    for a, _ in pairs:
        links = await Kyselylinkki.filter(oppija__oid=a.oppija_oid, kyselytyyppi=Kyselytyyppi.ALOITTANEET).count()
        assert links == 1, a.oppija_oid
        reasons = await Opiskelijaherate.filter(hoks__oppija__oid=a.oppija_oid).values_list("syy", flat=True)
        assert sorted(reasons, key=str) == sorted([None, JO_KYSYTTY_RAHOITUSKAUDELLA], key=str)
