from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_lisakysymys_index')]

    initial = False

    operations = [
        ops.AddField(
            model_name='HankittavaTutkinnonOsa',
            name='lisatiedot',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='HankittavaTutkinnonOsa',
            name='osa_alue_koodi',
            field=fields.CharField(null=True, max_length=128),
        ),
        ops.AddField(
            model_name='HankittavaTutkinnonOsa',
            name='tyyppi',
            field=fields.CharField(default='ammatillinen', max_length=16),
        ),
        ops.AddField(
            model_name='HankittavaTutkinnonOsa',
            name='yhteinen_osa',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Hankkimistapa',
            name='lisatiedot',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Hoks',
            name='lisatiedot',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
