"""Corrections with history (issue 16.6): a keskeytys keeps who ended or cancelled it, a vapautus who cancelled
it; one uncancelled vapautus per person (models/sql_extras.VAPAUTUS_SQL) instead of one per person."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from models import sql_extras


class RemoveInlineUnique(ops.RemoveConstraint):
    """SQLite keeps 0001's unique_together inside CREATE TABLE, with no named index to drop: the table is
    rebuilt from the new state, as tortoise does for a check constraint. PostgreSQL drops the constraint."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:  # type: ignore[no-untyped-def]
        if state_editor is not None and state_editor.client.capabilities.dialect == "sqlite":
            await state_editor._remake_table(new_state.apps.get_model(f"{app_label}.{self.model_name}"))
            return
        await super().database_forward(app_label, old_state, new_state, state_editor)


async def install(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await sql_extras.install(schema_editor.client, {d: sql_extras.VAPAUTUS_SQL for d in ("postgres", "sqlite")})


class Migration(migrations.Migration):
    dependencies = [('models', '0009_koski_sync')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Keskeytys',
            name='mitatoija',
            field=fields.ForeignKeyField('models.User', source_field='mitatoija_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Keskeytys',
            name='mitatoity_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Keskeytys',
            name='paatetty_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Keskeytys',
            name='paattaja',
            field=fields.ForeignKeyField('models.User', source_field='paattaja_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        RemoveInlineUnique(
            model_name='Vapautus',
            name=None,
            fields=['oppija'],
        ),
        ops.AlterModelOptions(
            name='Vapautus',
            options={'table': 'valpas_vapautus', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Exemption from compulsory education (OVL 2 §), recorded by the kunta; cancelled, never deleted.'},
        ),
        ops.AddField(
            model_name='Vapautus',
            name='mitatoija',
            field=fields.ForeignKeyField('models.User', source_field='mitatoija_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Vapautus',
            name='mitatoity_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunPython(install),
    ]
