from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_first_stored')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Luonnos',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kyselylinkki', fields.OneToOneField('models.Kyselylinkki', source_field='kyselylinkki_id', db_constraint=True, to_field='id', related_name='luonnos', on_delete=OnDelete.CASCADE)),
                ('arvot', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('tallennettu_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'luonnos', 'app': 'models', 'pk_attr': 'id', 'table_description': "A respondent's answers so far (save and return): one per link, removed on submit, expiry or cancellation."},
            bases=['Model'],
        ),
    ]
