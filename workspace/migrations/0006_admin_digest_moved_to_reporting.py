"""AdminDigest moves to the reporting app (its 0001). State only: the table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("checklists", "0005_access_log"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AdminDigest")],
            database_operations=[],
        ),
    ]
