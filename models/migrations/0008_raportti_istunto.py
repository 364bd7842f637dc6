from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_audit_append_only')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RaporttiIstunto',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('api_token', fields.ForeignKeyField('models.ApiToken', source_field='api_token_id', db_constraint=True, to_field='id', related_name='istunnot', on_delete=OnDelete.CASCADE)),
                ('istunto_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('vanhenee_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'raportti_istunto', 'app': 'models', 'pk_attr': 'id', 'table_description': "A browser's sign-in to the report page: its cookie holds a random session id, never the bearer token."},
            bases=['Model'],
        ),
    ]
