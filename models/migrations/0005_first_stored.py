from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_hoks_ehoks')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Hoks',
            name='osaamisen_saavuttamisen_pvm_tallennettu',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='PaatasonSuoritus',
            name='vahvistus_tallennettu',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
