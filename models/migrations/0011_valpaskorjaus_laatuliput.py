"""The data-quality flags stored on each study right (issue 16.1 speed): the column, its partial index
(models/sql_extras.LAATU_SQL) and the flags of the data already stored, computed by the same rule as every write."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from models import sql_extras
from models.services.valpas import laatuliput


async def install(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await sql_extras.install(schema_editor.client, {d: sql_extras.LAATU_SQL for d in ("postgres", "sqlite")})
    await laatuliput.merkitse_kaikki(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [("models", "0010_valpaskorjaus_mitatointi")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Opiskeluoikeus",
            name="laatuongelmat",
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.RunPython(install),
    ]
