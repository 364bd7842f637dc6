"""The extra-question editor's GraphQL API (DOMAIN.md §5): admins of the provider only, all languages, audited."""

from __future__ import annotations

from models.audit import AuditEvent
from models.user import RoleName
from models.vastaus import KyselyAsetus, Lisakysymys
from tests.factories import provider, user_token
from tests.survey_ui.conftest import make_link

FIELDS = "id tunnus jarjestys tyyppi pakollinen teksti { fi sv en } vaihtoehdot { koodi } naytaKun { kysymys arvot }"
ADD = f"""mutation($kt: String!, $t: Kyselytyyppi!, $m: LisakysymysInput!) {{
  addLisakysymys(koulutustoimijaOid: $kt, kyselytyyppi: $t, maaritys: $m) {{ {FIELDS} }} }}"""
EDIT = f"mutation($id: Int!, $m: LisakysymysInput!) {{ editLisakysymys(id: $id, maaritys: $m) {{ {FIELDS} }} }}"
LIST = f"""query($kt: String!, $t: Kyselytyyppi!, $all: Boolean!) {{
  lisakysymykset(koulutustoimijaOid: $kt, kyselytyyppi: $t, mukanaPoistetut: $all) {{ {FIELDS} poistettuAt }} }}"""
REORDER = """mutation($kt: String!, $t: Kyselytyyppi!, $ids: [Int!]!) {
  reorderLisakysymykset(koulutustoimijaOid: $kt, kyselytyyppi: $t, ids: $ids) { id jarjestys } }"""
RETIRE = "mutation($id: Int!) { retireLisakysymys(id: $id) { id poistettuAt } }"
SET_URL = """mutation($kt: String!, $t: Kyselytyyppi!, $url: String) {
  setUudelleenohjausUrl(koulutustoimijaOid: $kt, kyselytyyppi: $t, url: $url) { uudelleenohjausUrl } }"""


def question(fi: str = "Suosittelisitko oppilaitostamme?", **extra: object) -> dict[str, object]:
    return {"tyyppi": "kylla_ei", "pakollinen": True, "teksti": {"fi": fi, "sv": fi + " sv", "en": fi + " en"}, **extra}


def _error(body: dict) -> dict:
    assert body.get("errors"), body
    return body["errors"][0]["extensions"]


async def test_admin_adds_edits_reorders_and_retires_and_the_form_follows(client, gql):
    kt, _ = await provider()
    admin = await user_token(kt, RoleName.ADMIN)
    v = {"kt": kt.oid, "t": "aloittaneet"}

    first = (await gql(admin, ADD, **v, m=question()))["data"]["addLisakysymys"]
    follow_up = {"tyyppi": "teksti", "pakollinen": False, "maxPituus": 200, "teksti": question("Miksi ei?")["teksti"]}
    follow_up["naytaKun"] = {"kysymys": first["tunnus"], "arvot": ["ei"]}
    second = (await gql(admin, ADD, **v, m=follow_up))["data"]["addLisakysymys"]
    choice = question(
        "Mikä kanava?",
        tyyppi="valinta",
        vaihtoehdot=[
            {"koodi": "email", "teksti": {"fi": "Sähköposti", "sv": "E-post", "en": "E-mail"}},
            {"koodi": "sms", "teksti": {"fi": "Tekstiviesti", "sv": "SMS", "en": "Text message"}},
        ],
    )
    third = (await gql(admin, ADD, **v, m=choice))["data"]["addLisakysymys"]
    assert first["tunnus"] == f"lisa:{first['id']}"
    assert [q["jarjestys"] for q in (first, second, third)] == [1, 2, 3]

    page = (await client.get(f"/v/{(await make_link(kt)).tunnus}?lang=sv")).text
    assert "Suosittelisitko oppilaitostamme? sv" in page and "Tekstiviesti" not in page and "SMS" in page

    edited = await gql(admin, EDIT, id=first["id"], m=question("Suosittelisitko meitä?"))
    assert edited["data"]["editLisakysymys"]["teksti"]["fi"] == "Suosittelisitko meitä?"

    # A follow-up can't be moved before its trigger, nor its trigger retired first.
    bad_order = await gql(admin, REORDER, **v, ids=[second["id"], first["id"], third["id"]])
    assert _error(bad_order)["code"] == "VALIDATION_FAILED"
    assert _error(await gql(admin, RETIRE, id=first["id"]))["code"] == "IN_USE"

    reordered = await gql(admin, REORDER, **v, ids=[third["id"], first["id"], second["id"]])
    assert [q["id"] for q in reordered["data"]["reorderLisakysymykset"]] == [third["id"], first["id"], second["id"]]

    retired = await gql(admin, RETIRE, id=third["id"])
    assert retired["data"]["retireLisakysymys"]["poistettuAt"] is not None
    active = (await gql(admin, LIST, **v, all=False))["data"]["lisakysymykset"]
    everything = (await gql(admin, LIST, **v, all=True))["data"]["lisakysymykset"]
    assert [q["id"] for q in active] == [first["id"], second["id"]]
    assert len(everything) == 3
    assert await Lisakysymys.filter(id=third["id"]).exists()  # retired, never deleted
    assert _error(await gql(admin, EDIT, id=third["id"], m=question()))["code"] == "RETIRED"

    page = (await client.get(f"/v/{(await make_link(kt)).tunnus}?lang=sv")).text
    assert "Suosittelisitko meitä? sv" in page and "SMS" not in page

    actions = sorted(e.action for e in await AuditEvent.filter(entity="lisakysymys"))
    assert actions == ["create", "create", "create", "reorder", "retire", "update"]


async def test_all_three_languages_are_required_and_errors_name_the_field(gql):
    kt, _ = await provider()
    admin = await user_token(kt, RoleName.ADMIN)
    v = {"kt": kt.oid, "t": "tutkinnon_suorittaneet"}

    blank_sv = question()
    blank_sv["teksti"] = {"fi": "Kysymys", "sv": "  ", "en": "Question"}
    error = _error(await gql(admin, ADD, **v, m=blank_sv))
    assert (error["code"], error["field"]) == ("VALIDATION_FAILED", "maaritys.teksti.sv")

    no_length = {"tyyppi": "teksti", "pakollinen": False, "teksti": question()["teksti"]}
    assert _error(await gql(admin, ADD, **v, m=no_length))["field"] == "maaritys.maxPituus"

    bad_trigger = question(naytaKun={"kysymys": "ei_ole", "arvot": ["kylla"]})
    assert _error(await gql(admin, ADD, **v, m=bad_trigger))["field"] == "maaritys.naytaKun.kysymys"

    unknown_survey = _error(await gql(admin, ADD, kt=kt.oid, t="tyopaikkakysely", m=question()))
    assert unknown_survey["field"] == "kyselytyyppi"
    assert await Lisakysymys.all().count() == 0


async def test_only_the_providers_admins_may_change_questions_or_the_redirect(gql):
    kt, ol = await provider()
    other_kt, _ = await provider()
    admin = await user_token(kt, RoleName.ADMIN)
    writer = await user_token(kt, RoleName.WRITE)
    school_admin = await user_token(ol, RoleName.ADMIN)
    other_admin = await user_token(other_kt, RoleName.ADMIN)
    v = {"kt": kt.oid, "t": "aloittaneet"}
    existing = (await gql(admin, ADD, **v, m=question()))["data"]["addLisakysymys"]

    for token in (writer, school_admin, other_admin):
        assert _error(await gql(token, ADD, **v, m=question("Luvaton")))["code"] == "FORBIDDEN"
        assert _error(await gql(token, EDIT, id=existing["id"], m=question("Luvaton")))["code"] == "FORBIDDEN"
        assert _error(await gql(token, RETIRE, id=existing["id"]))["code"] == "FORBIDDEN"
        assert _error(await gql(token, REORDER, **v, ids=[existing["id"]]))["code"] == "FORBIDDEN"
        assert _error(await gql(token, SET_URL, **v, url="https://x.example.fi/"))["code"] == "FORBIDDEN"
    assert _error(await gql(other_admin, LIST, **v, all=False))["code"] == "FORBIDDEN"
    assert (await gql(writer, LIST, **v, all=False))["data"]["lisakysymykset"][0]["id"] == existing["id"]
    assert (await gql(None, LIST, **v, all=False))["_status"] == 401

    row = await Lisakysymys.get(id=existing["id"])
    assert row.maaritys["teksti"]["fi"] == "Suosittelisitko oppilaitostamme?" and row.poistettu_at is None
    assert not await KyselyAsetus.exists()


async def test_redirect_url_is_validated_when_set_and_can_be_cleared(gql):
    kt, _ = await provider()
    admin = await user_token(kt, RoleName.ADMIN)
    v = {"kt": kt.oid, "t": "aloittaneet"}

    for bad in (
        "http://palaute.example.fi/",
        "javascript:alert(1)",
        "https://user:pw@palaute.example.fi/",
        "//evil.fi",
    ):
        error = _error(await gql(admin, SET_URL, **v, url=bad))
        assert (error["code"], error["field"]) == ("INVALID_URL", "url")

    ok = await gql(admin, SET_URL, **v, url=" https://Palaute.Example.fi/kiitos?k=1 ")
    assert ok["data"]["setUudelleenohjausUrl"]["uudelleenohjausUrl"] == "https://palaute.example.fi/kiitos?k=1"
    query = """query($kt: String!, $t: Kyselytyyppi!) {
      kyselyAsetus(koulutustoimijaOid: $kt, kyselytyyppi: $t) { uudelleenohjausUrl } }"""
    assert (await gql(admin, query, **v))["data"]["kyselyAsetus"]["uudelleenohjausUrl"].startswith("https://")

    cleared = await gql(admin, SET_URL, **v, url=None)
    assert cleared["data"]["setUudelleenohjausUrl"]["uudelleenohjausUrl"] is None
    assert await AuditEvent.filter(entity="kyselyasetus").count() == 2
