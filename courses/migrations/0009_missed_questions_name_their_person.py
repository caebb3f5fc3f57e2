"""Each missed question names its attempt's person, so a school administrator's
"most missed" counts read one table instead of joining every quiz attempt."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_the_attempts_person(apps, schema_editor):
    MissedQuestion = apps.get_model("courses", "MissedQuestion")
    QuizAttempt = apps.get_model("courses", "QuizAttempt")
    attempts_person = QuizAttempt.objects.filter(pk=OuterRef("attempt_id")).values("user_id")
    MissedQuestion.objects.update(user_id=Subquery(attempts_person[:1]))


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("courses", "0008_action_look_fors_and_block_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="missedquestion",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(copy_the_attempts_person, migrations.RunPython.noop),
    ]
