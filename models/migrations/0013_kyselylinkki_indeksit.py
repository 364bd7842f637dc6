from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0012_haku_hakuavaimet')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Kyselylinkki',
            name='koulutustoimija',
            field=fields.ForeignKeyField('models.Organisation', source_field='koulutustoimija_id', db_index=True, db_constraint=True, to_field='id', related_name='kyselylinkit', on_delete=OnDelete.RESTRICT),
        ),
        ops.AlterField(
            model_name='Kyselylinkki',
            name='oppija',
            field=fields.ForeignKeyField('models.Oppija', source_field='oppija_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='kyselylinkit', on_delete=OnDelete.RESTRICT),
        ),
    ]
