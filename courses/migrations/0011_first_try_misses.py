"""A running tally of first-attempt misses per question (``FirstTryMisses``),
filled in from the misses recorded so far."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def tally_recorded_misses(apps, schema_editor):
    MissedQuestion = apps.get_model("courses", "MissedQuestion")
    FirstTryMisses = apps.get_model("courses", "FirstTryMisses")
    counted = (
        MissedQuestion.objects.filter(first_attempt=True)
        .values("module_id", "question_id")
        .annotate(people=Count("*"))
        .order_by()
    )
    FirstTryMisses.objects.bulk_create(
        (FirstTryMisses(**row) for row in counted.iterator()), batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0010_missed_questions_by_person"),
    ]

    operations = [
        migrations.CreateModel(
            name="FirstTryMisses",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("question_id", models.CharField(max_length=64)),
                ("people", models.IntegerField(default=0)),
                (
                    "module",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="courses.modulepage",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "first-try misses",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("module", "question_id"), name="one_tally_per_question"
                    )
                ],
            },
        ),
        migrations.RunPython(tally_recorded_misses, migrations.RunPython.noop),
    ]
