"""AdminDigest moves from the pair workspace (app label "checklists") to reporting.

State only: the table ``checklists_admindigest`` and its rows stay where they are.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("checklists", "0006_admin_digest_moved_to_reporting"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AdminDigest",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("week_of", models.DateField()),
                        ("sent_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("administrator", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "checklists_admindigest",
                        "constraints": [models.UniqueConstraint(fields=("administrator", "week_of"), name="one_digest_per_admin_per_week")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
