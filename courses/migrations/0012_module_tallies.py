"""A running tally of each module's progress (``ModuleTally``), filled in from
the progress recorded so far."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce


def tally_recorded_progress(apps, schema_editor):
    ModuleProgress = apps.get_model("courses", "ModuleProgress")
    ModuleTally = apps.get_model("courses", "ModuleTally")
    counted = (
        ModuleProgress.objects.values("module_id")
        .annotate(
            started_count=Count("*"),
            completed_count=Count("completed_at"),
            passed_count=Count("attempts_to_pass"),
            attempts=Coalesce(Sum("attempts_to_pass"), 0),
        )
        .order_by()
    )
    ModuleTally.objects.bulk_create(
        ModuleTally(
            module_id=row["module_id"],
            started=row["started_count"],
            completed=row["completed_count"],
            passed=row["passed_count"],
            attempts_to_pass=row["attempts"],
        )
        for row in counted.iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0011_first_try_misses"),
    ]

    operations = [
        migrations.CreateModel(
            name="ModuleTally",
            fields=[
                (
                    "module",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="courses.modulepage",
                    ),
                ),
                ("started", models.IntegerField(default=0)),
                ("completed", models.IntegerField(default=0)),
                ("passed", models.IntegerField(default=0)),
                ("attempts_to_pass", models.IntegerField(default=0)),
            ],
            options={
                "verbose_name_plural": "module tallies",
            },
        ),
        migrations.RunPython(tally_recorded_progress, migrations.RunPython.noop),
    ]
