"""Oppija search (issue 14): the trigram name index and the hetu index (models/sql_extras.SEARCH_SQL), and the
organisation's English name."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models import sql_extras


async def install(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await sql_extras.install(schema_editor.client, sql_extras.SEARCH_SQL)


class Migration(migrations.Migration):
    dependencies = [("models", "0007_audit_append_only")]

    initial = False

    operations = [
        ops.AddField(model_name="Organisation", name="nimi_en", field=fields.CharField(null=True, max_length=255)),
        ops.RunPython(install),
    ]
