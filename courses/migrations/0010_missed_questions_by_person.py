"""The person on each missed question is required and indexed, once 0009 has
filled it in (in its own transaction: PostgreSQL will not alter a table whose rows
that transaction updated under deferred foreign-key checks)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("courses", "0009_missed_questions_name_their_person"),
    ]

    operations = [
        migrations.AlterField(
            model_name="missedquestion",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="missedquestion",
            index=models.Index(
                fields=["user", "module", "first_attempt", "question_id"],
                name="missed_by_person",
            ),
        ),
    ]
