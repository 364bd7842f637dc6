"""Two providers and two kunnat for authorization tests: every kind of user belongs to organisation A or kunta X,
and organisation B and kunta Y hold personal data with distinctive values that A's and X's users must never see.

Person P is the issue's attack case: a perusopetus pupil of A living in kunta X (so A's Valpas valvojat and X's
kunta users may follow P) who also studies at B, where P's HOKS holds contact data and a live survey link.
Person Q studies only at B and lives in kunta Y; person R lives in Y with no study place (Y's check list);
B has made a kuntailmoitus about Q to kunta Y.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from models.kyselylinkki import Kyselylinkki, Toimitus
from models.organisation import Organisation
from models.rules.hoks import HankkimistapaPlan, HoksPlan, TutkinnonOsaPlan
from models.services import hoks as hoks_service
from models.services.access import Grant, Principal
from models.services.lahetysajo import run_day
from models.services.organisations import oph
from models.services.users import add_user, issue_token
from models.services.valpas import kuntailmoitus
from models.user import RoleName, User, UserKind
from tests.factories import oppija_oid, provider
from tests.valpas.builders import TODAY, henkilo_doc, kunta, suoritus, tallenna, years_ago

# Kinds of user, all of organisation A, kunta X or OPH: name → (organisation key, role, user kind).
USER_KINDS: dict[str, tuple[str, RoleName, UserKind]] = {
    "ehoks_read_A": ("a_ol", RoleName.READ, UserKind.OFFICIAL),
    "ehoks_write_A": ("a_ol", RoleName.WRITE, UserKind.OFFICIAL),
    "ehoks_admin_A": ("a_kt", RoleName.ADMIN, UserKind.OFFICIAL),
    "service_A": ("a_ol", RoleName.WRITE, UserKind.SERVICE),
    "vastuukayttaja": ("oph", RoleName.VASTUUKAYTTAJA, UserKind.OFFICIAL),
    "paakayttaja_A": ("a_kt", RoleName.PAAKAYTTAJA, UserKind.OFFICIAL),
    "valvoja_hakeutuminen_A": ("a_ol", RoleName.VALVOJA_HAKEUTUMINEN, UserKind.OFFICIAL),
    "valvoja_suorittaminen_A": ("a_ol", RoleName.VALVOJA_SUORITTAMINEN, UserKind.OFFICIAL),
    "valvoja_maksuttomuus_A": ("a_ol", RoleName.VALVOJA_MAKSUTTOMUUS, UserKind.OFFICIAL),
    "kunta_valvoja_X": ("kunta_x", RoleName.KUNTA_VALVOJA, UserKind.OFFICIAL),
    "kunta_paakayttaja_X": ("kunta_x", RoleName.KUNTA_PAAKAYTTAJA, UserKind.OFFICIAL),
}
# Users who may see B's and Y's data: the positive controls.
OWNER_KINDS: dict[str, tuple[str, RoleName, UserKind]] = {
    "oph_read": ("oph", RoleName.READ, UserKind.OFFICIAL),
    "ehoks_read_B": ("b_ol", RoleName.READ, UserKind.OFFICIAL),
    "kunta_valvoja_Y": ("kunta_y", RoleName.KUNTA_VALVOJA, UserKind.OFFICIAL),
}


@dataclass
class AuthzWorld:
    orgs: dict[str, Organisation]
    p_oid: str
    p_hoks_id: int
    p_b_oo_oid: str
    q_oid: str
    q_oo_oid: str
    q_hoks_id: int
    tunnukset: list[str]
    kuntailmoitus_id: int
    tokens: dict[str, str] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)

    def writer(self, org: str) -> Principal:
        o = self.orgs[org]
        return Principal(user_id=None, name=f"writer {org}", grants=(Grant(o.oid, o.path, RoleName.WRITE),))


def _plan(oppija: str, oo: str, tag: str) -> HoksPlan:
    jakso = HankkimistapaPlan(
        tyyppi="koulutussopimus",
        alku=TODAY - timedelta(days=120),
        loppu=TODAY - timedelta(days=10),
        yksiloiva_tunniste=f"jakso-{tag}",
        tyopaikan_nimi=f"Secretb Tyopaikka {tag} Oy",
        ytunnus="1572860-0",
        ohjaaja_nimi=f"Secretb Ohjaaja {tag}",
        ohjaaja_sahkoposti=f"ohjaaja.secretb.{tag}@example.fi",
        ohjaaja_puhelinnumero="+358401110" + str(len(tag)) + "22",
    )
    return HoksPlan(
        oppija_oid=oppija,
        opiskeluoikeus_oid=oo,
        ensikertainen_hyvaksyminen=TODAY - timedelta(days=1),
        osaamisen_hankkimisen_tarve=True,
        sahkoposti=f"hoks.secretb.{tag}@example.fi",
        puhelinnumero=f"+35850999{len(tag)}999",
        tutkinnon_osat=(TutkinnonOsaPlan("106727", "Ajoneuvon huoltotyöt", (jakso,)),),
    )


async def _token(org: Organisation, role: RoleName, kind: UserKind, name: str) -> str:
    await add_user(name, kind, org.oid, role)
    return await issue_token(name)


async def make_authz_world() -> AuthzWorld:
    a_kt, a_ol = await provider()
    b_kt, b_ol = await provider()
    kunta_x, kunta_y = await kunta("091"), await kunta("049")
    orgs = {"a_kt": a_kt, "a_ol": a_ol, "b_kt": b_kt, "b_ol": b_ol, "kunta_x": kunta_x, "kunta_y": kunta_y}
    orgs["oph"] = await oph()
    born = years_ago(16)
    tutkinto = [suoritus("ammatillinentutkinto", koodi="351301")]

    # P: pupil of A, lives in X, studies at B too (HOKS at B).
    p = oppija_oid()
    await tallenna(henkilo_doc(a_ol, a_kt, syntymaaika=born, oppija=p, kotikunnat=[("091", born, None)]))
    p_b_doc = henkilo_doc(
        b_ol,
        b_kt,
        syntymaaika=born,
        oppija=p,
        kotikunnat=[("091", born, None)],
        tyyppi="ammatillinenkoulutus",
        suoritukset=tutkinto,
    )
    await tallenna(p_b_doc)
    # Q: only at B, lives in Y, under turvakielto-free ordinary conditions.
    q = oppija_oid()
    q_doc = henkilo_doc(
        b_ol,
        b_kt,
        syntymaaika=born,
        oppija=q,
        kotikunnat=[("049", born, None)],
        tyyppi="ammatillinenkoulutus",
        suoritukset=tutkinto,
        sukunimi="Secretbsukunimi",
        etunimet="Secretbetunimi",
    )
    await tallenna(q_doc)
    # R: lives in Y, perusopetus ended long ago without a further place: on Y's automatic check list.
    r = oppija_oid()
    await tallenna(
        henkilo_doc(
            b_ol,
            b_kt,
            syntymaaika=born,
            oppija=r,
            kotikunnat=[("049", born, None)],
            tilat=[(years_ago(3), "lasna"), (years_ago(1), "eronnut")],
            sukunimi="Secretysukunimi",
            etunimet="Secretyetunimi",
        )
    )

    writer_b = Principal(user_id=None, name="writer B", grants=(Grant(b_ol.oid, b_ol.path, RoleName.WRITE),))
    p_hoks = await hoks_service.create_hoks(_plan(p, p_b_doc["oid"], "p"), writer_b, TODAY)
    q_hoks = await hoks_service.create_hoks(_plan(q, q_doc["oid"], "q"), writer_b, TODAY)
    await run_day(TODAY)
    tunnukset = list(await Kyselylinkki.filter(koulutustoimija_id=b_kt.id).values_list("tunnus", flat=True))
    assert tunnukset, "the world needs B's survey links"

    # B's hakeutumisen valvoja reports Q to kunta Y.
    ilmoittaja = await add_user("ilmoittaja-B", UserKind.OFFICIAL, b_ol.oid, RoleName.VALVOJA_SUORITTAMINEN)
    user = await User.get(id=ilmoittaja.id)
    ilmoitus = await kuntailmoitus.create_kuntailmoitus(
        Principal(user.id, user.name, (Grant(b_ol.oid, b_ol.path, RoleName.VALVOJA_SUORITTAMINEN),)),
        kuntailmoitus.KuntailmoitusInput(
            oppija_oid=q,
            kunta="049",
            tekija_organisaatio=b_ol.oid,
            yhteystiedot=kuntailmoitus.Yhteystiedot(
                lahiosoite="Secretykatu 1",
                postinumero="00100",
                postitoimipaikka="Helsinki",
                maa="Suomi",
                puhelinnumero="+358 40 7777 111",
                sahkoposti="ilmoitus.secrety@example.fi",
            ),
            yhteydenottokieli="fi",
            hakenut_muualle=False,
        ),
        TODAY,
    )

    world = AuthzWorld(
        orgs=orgs,
        p_oid=p,
        p_hoks_id=p_hoks.id,
        p_b_oo_oid=p_b_doc["oid"],
        q_oid=q,
        q_oo_oid=q_doc["oid"],
        q_hoks_id=q_hoks.id,
        tunnukset=tunnukset,
        kuntailmoitus_id=ilmoitus.id,
    )
    for name, (org, role, kind) in {**USER_KINDS, **OWNER_KINDS}.items():
        world.tokens[name] = await _token(orgs[org], role, kind, name)
    osoitteet = await Toimitus.filter(kyselylinkki__tunnus__in=tunnukset).values_list("osoite", flat=True)
    world.secrets = {
        "secretb",  # every B value above carries the marker
        "secrety",
        q,
        r,
        q_doc["oid"],
        "+35850999",
        "+358401110",
        "7777 111",
        *tunnukset,
        *(str(o) for o in osoitteet),
    }
    return world


def leaks(text: str, secrets: set[str]) -> list[str]:
    """The secret values found in `text` (case-insensitively)."""
    lowered = text.lower()
    return sorted(s for s in secrets if s.lower() in lowered)
