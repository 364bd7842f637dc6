"""The database objects the ORM cannot declare (models/sql_extras.py): the kuntailmoitus immutability triggers
and the Valpas list indexes. The same statements are installed in tests after generate_schemas."""

from tortoise import migrations
from tortoise.migrations import operations as ops

from models import sql_extras


async def install(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await sql_extras.install(schema_editor.client, sql_extras.EXTRA_SQL)


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    operations = [ops.RunPython(install)]
