from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_sql_extras')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Lisakysymys',
            index=Index(fields=['koulutustoimija_id', 'kyselytyyppi', 'jarjestys']),
        ),
    ]
