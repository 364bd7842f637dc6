"""Database objects the ORM cannot declare: the kuntailmoitus immutability triggers, the audit log's append-only
triggers, the Valpas list indexes, the one-vapautus-in-force index and the oppija search keys.

Why a trigger: DOMAIN.md §6.3 says a kuntailmoitus, once made, cannot be edited or cancelled. The service has no
such path, and the database refuses UPDATE and DELETE too, so no script or console slip can change one. The
audit log is append-only the same way (issue 10.5): a trail that can be edited proves nothing.

Why the indexes: the automaattinen tarkistus list is computed from current data on every request (§6.3: Koski
changes show at once), so its SQL pre-filter needs to find a kunta's residents and their study rights' tila
rows by index (bench/valpas_lists.py). Tortoise does not index foreign keys on its own.

Tests install these after `generate_schemas`; the lead copies the same statements into a migration.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

_INDEXES = [
    'CREATE INDEX IF NOT EXISTS "idx_kotikunta_kunta_alku" ON "kotikunta" ("kuntakoodi", "alku", "loppu", "oppija_id")',
    # Covering: the list probes "kotikunta of this person today" and walks names with the age filter, index-only.
    'CREATE INDEX IF NOT EXISTS "idx_kotikunta_oppija" ON "kotikunta" ("oppija_id", "kuntakoodi", "alku", "loppu")',
    'CREATE INDEX IF NOT EXISTS "idx_oppija_nimi" ON "oppija" '
    '("sukunimi", "etunimet", "oid", "syntymaaika", "turvakielto", "id")',
    'CREATE INDEX IF NOT EXISTS "idx_opiskeluoikeus_oppija" ON "opiskeluoikeus" ("oppija_id")',
    'CREATE INDEX IF NOT EXISTS "idx_opiskeluoikeus_oppilaitos" ON "opiskeluoikeus" ("oppilaitos_id")',
    'CREATE INDEX IF NOT EXISTS "idx_oo_tila_oo_alku" ON "opiskeluoikeuden_tila" ("opiskeluoikeus_id", "alku")',
    'CREATE INDEX IF NOT EXISTS "idx_paatason_suoritus_oo" ON "paatason_suoritus" ("opiskeluoikeus_id")',
]
# A vapautus is cancelled, never deleted (issue 16.6): one uncancelled per person, any number cancelled. The
# partial index is also what makes two kunta users recording one at once refuse the second (DUPLICATE).
VAPAUTUS_SQL = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uidx_valpas_vapautus_voimassa" ON "valpas_vapautus" ("oppija_id") '
    "WHERE mitatoity_at IS NULL"
]
# The data-quality list (models/services/valpas/tietojen_laatu.py) walks an organisation's flagged study rights
# only: a few per cent of them, stored at write time (models/services/valpas/laatuliput.py).
LAATU_SQL = [
    'CREATE INDEX IF NOT EXISTS "idx_opiskeluoikeus_laatu" ON "opiskeluoikeus" ("oppilaitos_id") '
    "WHERE laatuongelmat IS NOT NULL AND mitatoity = FALSE"
]
# Oppija search by hetu, and pg_trgm for the name index below. SQLite scans names with LIKE.
SEARCH_SQL: dict[str, list[str]] = {
    "postgres": [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        'CREATE INDEX IF NOT EXISTS "idx_oppija_hetu" ON "oppija" ("hetu")',
    ],
    "sqlite": ['CREATE INDEX IF NOT EXISTS "idx_oppija_hetu" ON "oppija" ("hetu")'],
}

# Oppija search by name among the caller's persons (models/services/oppijahaku.py, bench/oppijahaku.py).
# `oppija.hakuavaimet` holds every organisation OID on the path of each oppilaitos where the person has a study
# right ("mitatoity:<oid>" for a voided one, which eHOKS readers see and Valpas valvojat do not), and
# "kunta:<kuntakoodi>" for each kotikunta period; statement triggers keep it in step with
# opiskeluoikeus, kotikunta and organisation paths within the writing transaction. One GIN index over the keys
# and the name trigrams then returns only the caller's matches: a name index alone returned every match in the
# country (16 000 persons for a common fragment at a million) and each had its rights tested, p99 0.14 s.
_KEYED_TABLES = ("opiskeluoikeus", "kotikunta")
HAKUAVAIMET_SQL: dict[str, list[str]] = {
    "postgres": [
        """ALTER TABLE "oppija" ADD COLUMN IF NOT EXISTS "hakuavaimet" text[] NOT NULL DEFAULT '{}'""",
        """
        CREATE OR REPLACE FUNCTION oppija_hakuavaimet(ids integer[]) RETURNS void LANGUAGE sql AS $$
        UPDATE oppija h SET hakuavaimet = k.avaimet
        FROM (
            SELECT i.id, ARRAY(
                SELECT DISTINCT a.avain FROM (
                    SELECT CASE WHEN oo.mitatoity THEN 'mitatoity:' || polku.oid ELSE polku.oid END AS avain
                    FROM opiskeluoikeus oo JOIN organisation o ON o.id = oo.oppilaitos_id
                    CROSS JOIN LATERAL unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')) AS polku(oid)
                    WHERE oo.oppija_id = i.id
                    UNION ALL
                    SELECT 'kunta:' || kk.kuntakoodi FROM kotikunta kk WHERE kk.oppija_id = i.id
                ) a ORDER BY a.avain
            ) AS avaimet
            FROM (SELECT DISTINCT unnest(ids) AS id) i
        ) k
        WHERE h.id = k.id AND h.hakuavaimet IS DISTINCT FROM k.avaimet
        $$
        """,
        """
        CREATE OR REPLACE FUNCTION oppija_hakuavaimet_muuttuivat() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'DELETE' THEN PERFORM oppija_hakuavaimet(ARRAY(SELECT oppija_id FROM uudet)); END IF;
            IF TG_OP <> 'INSERT' THEN PERFORM oppija_hakuavaimet(ARRAY(SELECT oppija_id FROM vanhat)); END IF;
            RETURN NULL;
        END
        $$
        """,
        *(
            statement
            for table in _KEYED_TABLES
            for op, tables in (
                ("INSERT", "NEW TABLE AS uudet"),
                ("UPDATE", "OLD TABLE AS vanhat NEW TABLE AS uudet"),
                ("DELETE", "OLD TABLE AS vanhat"),
            )
            for statement in (
                f'DROP TRIGGER IF EXISTS "{table}_hakuavaimet_{op.lower()}" ON "{table}"',
                f'CREATE TRIGGER "{table}_hakuavaimet_{op.lower()}" AFTER {op} ON "{table}" REFERENCING {tables} '
                "FOR EACH STATEMENT EXECUTE FUNCTION oppija_hakuavaimet_muuttuivat()",
            )
        ),
        """
        CREATE OR REPLACE FUNCTION organisaation_polku_muuttui() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM oppija_hakuavaimet(ARRAY(
                SELECT oo.oppija_id FROM uudet n JOIN vanhat v ON v.id = n.id
                JOIN opiskeluoikeus oo ON oo.oppilaitos_id = n.id WHERE v.path IS DISTINCT FROM n.path
            ));
            RETURN NULL;
        END
        $$
        """,
        'DROP TRIGGER IF EXISTS "organisation_hakuavaimet" ON "organisation"',
        'CREATE TRIGGER "organisation_hakuavaimet" AFTER UPDATE ON "organisation" '
        "REFERENCING OLD TABLE AS vanhat NEW TABLE AS uudet "
        "FOR EACH STATEMENT EXECUTE FUNCTION organisaation_polku_muuttui()",
        'CREATE INDEX IF NOT EXISTS "idx_oppija_haku" ON "oppija" '
        "USING gin (hakuavaimet, lower(sukunimi || ' ' || etunimet) gin_trgm_ops)",
        # Persons stored before the triggers existed (a no-op on an empty or up-to-date database).
        "SELECT oppija_hakuavaimet(ARRAY(SELECT id FROM oppija))",
    ],
    "sqlite": [],
}

EXTRA_SQL: dict[str, list[str]] = {
    "postgres": [
        """
        CREATE OR REPLACE FUNCTION valpas_kuntailmoitus_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'kuntailmoitus is immutable: % refused', TG_OP USING ERRCODE = 'restrict_violation';
        END
        $$
        """,
        'DROP TRIGGER IF EXISTS valpas_kuntailmoitus_immutable ON "valpas_kuntailmoitus"',
        """
        CREATE TRIGGER valpas_kuntailmoitus_immutable BEFORE UPDATE OR DELETE ON "valpas_kuntailmoitus"
        FOR EACH ROW EXECUTE FUNCTION valpas_kuntailmoitus_immutable()
        """,
        'DROP TRIGGER IF EXISTS valpas_kuntailmoitus_no_truncate ON "valpas_kuntailmoitus"',
        """
        CREATE TRIGGER valpas_kuntailmoitus_no_truncate BEFORE TRUNCATE ON "valpas_kuntailmoitus"
        FOR EACH STATEMENT EXECUTE FUNCTION valpas_kuntailmoitus_immutable()
        """,
        """
        CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
        END
        $$
        """,
        'DROP TRIGGER IF EXISTS audit_event_append_only ON "audit_event"',
        """
        CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON "audit_event"
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
        """,
        'DROP TRIGGER IF EXISTS audit_event_no_truncate ON "audit_event"',
        """
        CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON "audit_event"
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()
        """,
        *_INDEXES,
        *SEARCH_SQL["postgres"],
        *HAKUAVAIMET_SQL["postgres"],
    ],
    "sqlite": [
        """
        CREATE TRIGGER IF NOT EXISTS valpas_kuntailmoitus_no_update BEFORE UPDATE ON "valpas_kuntailmoitus"
        BEGIN SELECT RAISE(ABORT, 'kuntailmoitus is immutable: UPDATE refused'); END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS valpas_kuntailmoitus_no_delete BEFORE DELETE ON "valpas_kuntailmoitus"
        BEGIN SELECT RAISE(ABORT, 'kuntailmoitus is immutable: DELETE refused'); END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON "audit_event"
        BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused'); END
        """,
        """
        CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON "audit_event"
        BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused'); END
        """,
        *_INDEXES,
        *SEARCH_SQL["sqlite"],
    ],
}


# What a schema from `generate_schemas` needs (tests, benchmarks). EXTRA_SQL stays as migrations 0002 and 0007
# installed it: the statements on columns a later migration adds are that migration's own.
ALL_SQL: dict[str, list[str]] = {dialect: [*EXTRA_SQL[dialect], *VAPAUTUS_SQL, *LAATU_SQL] for dialect in EXTRA_SQL}


async def install(connection: BaseDBAsyncClient, extras: dict[str, list[str]] = ALL_SQL) -> None:
    """Create the triggers and indexes on `connection` (idempotent)."""
    for statement in extras[connection.capabilities.dialect]:
        await connection.execute_script(statement)
