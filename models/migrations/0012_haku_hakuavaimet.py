"""Oppija name search among the caller's persons (issue 14): the `hakuavaimet` column, its triggers, the GIN index
over keys and name trigrams, and keys for the persons already stored (models/sql_extras.HAKUAVAIMET_SQL). The
name-only trigram index of 0008 is dropped: the new index answers every name search."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from models import sql_extras


async def install(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await sql_extras.install(schema_editor.client, sql_extras.HAKUAVAIMET_SQL)
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script('DROP INDEX IF EXISTS "idx_oppija_nimi_trgm"')


class Migration(migrations.Migration):
    dependencies = [("models", "0011_valpaskorjaus_laatuliput")]

    initial = False

    operations = [ops.RunPython(install)]
