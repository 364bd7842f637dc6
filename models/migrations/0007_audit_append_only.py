"""The audit log becomes append-only in the database (issue 10.5): triggers refuse UPDATE, DELETE and TRUNCATE on
audit_event, as they already do on the kuntailmoitus. `models.sql_extras.install` is idempotent and holds them."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from models import sql_extras


async def install(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await sql_extras.install(schema_editor.client, sql_extras.EXTRA_SQL)


class Migration(migrations.Migration):
    dependencies = [("models", "0006_luonnos")]

    operations = [ops.RunPython(install)]
