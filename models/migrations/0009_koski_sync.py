from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_raportti_istunto'), ('models', '0008_oppijahaku')]

    initial = False

    operations = [
        ops.CreateModel(
            name='KoskiSynkronointi',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('nimi', fields.CharField(unique=True, max_length=64)),
                ('cursor', fields.TextField(null=True, unique=False)),
                ('lukittu_asti', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('lukitsija', fields.CharField(null=True, max_length=64)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'koski_synkronointi', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='OpiskeluoikeudenTila',
            name='tila',
            field=fields.CharField(max_length=255),
        ),
        ops.AlterField(
            model_name='Opiskeluoikeus',
            name='tyyppi',
            field=fields.CharField(max_length=255),
        ),
        ops.AddField(
            model_name='Oppija',
            name='puuttuvat_tiedot',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AlterField(
            model_name='PaatasonSuoritus',
            name='tutkinto_koodi',
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AlterField(
            model_name='PaatasonSuoritus',
            name='tyyppi',
            field=fields.CharField(max_length=255),
        ),
    ]
