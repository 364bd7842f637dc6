"""Finding a learner by name, hetu or oppija OID, only among the persons the caller may read (issue 14).

The rights filter is in the SQL, so a page is filled from the caller's own persons and a search never learns
of others: an eHOKS read right or a Valpas valvoja role in an oppilaitos where the person has a study right,
or a kunta role of the person's kotikunta today (the same rules as `api.authorization.may_read_oppija`, which
the API still applies to each row). A name search matches every word anywhere in "sukunimi etunimet", case
folded; on PostgreSQL one GIN index over the person's search keys and name trigrams (models/sql_extras.py)
answers it at a million persons.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from models.oppija import Kotikunta
from models.services import sql
from models.services.access import Principal
from models.services.errors import DomainError
from models.services.valpas.access import VALVOJA_ROLES, own_kuntakoodit
from models.services.valpas.facts import current_kuntakoodi
from models.user import RoleName

OID = re.compile(r"^1\.2\.246\.562\.24\.\d+$")
HETU = re.compile(r"^\d{6}[-+ABCDEFUVWXY]\d{3}[0-9A-Y]$")
MIN_NAME_LENGTH = 3  # a trigram: shorter fragments would scan every person
MAX_WORDS = 5


@dataclass(frozen=True)
class Haku:
    kind: str  # oid, hetu or nimi
    value: str | tuple[str, ...]


@dataclass(frozen=True)
class Osuma:
    id: int
    oid: str
    sukunimi: str
    etunimet: str
    # Found by `api.authorization.may_read_oppija`'s own rule: an organisation right, or the kotikunta today
    # as the Valpas rules read the periods. A match the SQL period test let through but those rules do not
    # (overlapping periods) is left to that check.
    luettava: bool

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.sukunimi, self.etunimet, self.id)


def parse(haku: str) -> Haku:
    """An oppija OID, a hetu (upper-cased) or name words (lower-cased, at least one of three characters)."""
    text = " ".join(haku.split())
    if OID.match(text):
        return Haku("oid", text)
    if HETU.match(text.upper()):
        return Haku("hetu", text.upper())
    words = tuple(w.lower() for w in text.split(" ") if w)[:MAX_WORDS]
    if not words or max(len(w) for w in words) < MIN_NAME_LENGTH:
        raise DomainError(
            "TOO_SHORT", "search by name needs a word of at least {n} characters", "haku", n=MIN_NAME_LENGTH
        )
    return Haku("nimi", words)


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _organisation_oid(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


async def search(
    principal: Principal, haku: Haku, first: int, after: tuple[str, str, int] | None, today: date
) -> tuple[list[Osuma], bool]:
    """One page in (sukunimi, etunimet, id) order after the cursor key, and whether more follow."""
    lukija = sorted(set(principal.scope(RoleName.READ)))  # every study right, voided ones too
    valvoja = sorted({p for r in VALVOJA_ROLES for p in principal.scope(r)} - set(lukija))  # valid ones only
    kunnat = sorted(await own_kuntakoodit(principal))
    if not lukija and not valvoja and not kunnat:
        return [], False
    # On PostgreSQL each person carries the OIDs on the paths of their oppilaitokset, "mitatoity:"-prefixed for
    # a voided study right, and their kotikunnat (models/sql_extras.HAKUAVAIMET_SQL): a grant's OID among them
    # is the path rule itself, and one index answers "these names among these keys".
    org_keys = sorted(
        {*map(_organisation_oid, lukija + valvoja), *(f"mitatoity:{_organisation_oid(p)}" for p in lukija)}
    )
    keys = org_keys + [f"kunta:{k}" for k in kunnat]

    def organisaation(p: sql.Sql) -> str:
        if not org_keys:
            return "FALSE"
        if p.dialect == "postgres":
            return f"h.hakuavaimet && {p(org_keys)}::text[]"
        paths = [f"o.path LIKE {p(path + '%')}" for path in lukija]
        paths += [f"(o.path LIKE {p(path + '%')} AND oo.mitatoity = {p(False)})" for path in valvoja]
        return (
            "EXISTS (SELECT 1 FROM opiskeluoikeus oo JOIN organisation o ON o.id = oo.oppilaitos_id "
            f"WHERE oo.oppija_id = h.id AND ({' OR '.join(paths)}))"
        )

    def kunnan(p: sql.Sql) -> str:
        if not kunnat:
            return "FALSE"
        return (
            f"EXISTS (SELECT 1 FROM kotikunta k WHERE k.oppija_id = h.id AND k.kuntakoodi IN ({p.many(kunnat)}) "
            f"AND k.alku <= {p(today)} AND (k.loppu IS NULL OR k.loppu >= {p(today)}))"
        )

    def build(p: sql.Sql) -> str:
        """The statement, its placeholders made in text order (SQLite's are positional)."""
        prefix, source = "", "oppija"
        if haku.kind == "nimi":
            # Materialized: the name matches come from the name index first. Left to itself the planner walks
            # the name-ordered index for the LIMIT, filtering hundreds of thousands of rows (p99 0.5 s at 1 M).
            name = "lower(sukunimi || ' ' || etunimet)"
            columns, matches = "id, oid, sukunimi, etunimet", []
            if p.dialect == "postgres":
                columns, matches = columns + ", hakuavaimet", [f"hakuavaimet && {p(keys)}::text[]"]
            matches += [f"{name} LIKE {p(_like(w))} ESCAPE '\\'" for w in haku.value]
            prefix = f"WITH osumat AS MATERIALIZED (SELECT {columns} FROM oppija WHERE {' AND '.join(matches)}) "
            source = "osumat"
        select = f"SELECT h.id, h.oid, h.sukunimi, h.etunimet, ({organisaation(p)}) AS organisaation FROM {source} h"
        where = []
        if haku.kind != "nimi":
            where.append(f"h.{haku.kind} = {p(haku.value)}")
        if after is not None:
            where.append(f"(h.sukunimi, h.etunimet, h.id) > ({p(after[0])}, {p(after[1])}, {p(after[2])})")
        where.append(f"(({organisaation(p)}) OR {kunnan(p)})")
        return f"{prefix}{select} WHERE {' AND '.join(where)} ORDER BY h.sukunimi, h.etunimet, h.id LIMIT {first + 1}"

    rows: list[Any] = await sql.fetch(build)
    asukkaat = await _asukkaat([int(r["id"]) for r in rows if not r["organisaation"]], set(kunnat), today)
    found = [
        Osuma(int(r["id"]), r["oid"], r["sukunimi"], r["etunimet"], bool(r["organisaation"]) or r["id"] in asukkaat)
        for r in rows
    ]
    return found[:first], len(found) > first


async def _asukkaat(ids: list[int], kunnat: set[str], today: date) -> set[int]:
    """Of `ids`, those whose kotikunta today by the Valpas rules is one of `kunnat`: one query for the page."""
    periods: dict[int, list[Kotikunta]] = defaultdict(list)
    for row in await Kotikunta.filter(oppija_id__in=ids) if ids else []:
        periods[row.oppija_id].append(row)  # type: ignore[attr-defined]
    return {i for i, rows in periods.items() if current_kuntakoodi(rows, today) in kunnat}
