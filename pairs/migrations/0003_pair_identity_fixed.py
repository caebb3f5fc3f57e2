"""The database refuses to change a pair's school or either of its people.

The one exception is erasure (privacy.personal_data), which puts a pseudonym, an
inactive account named ``erased-…``, in place of the erased person. The model
refuses first, with a message (``Pair.save``); this guards every other writer.
"""

from django.db import migrations

MESSAGE = "A pair's school and two people never change once it is made."

# True when NEW.<column> is a pseudonym made by erasure.
PSEUDONYM = (
    "EXISTS (SELECT 1 FROM accounts_user WHERE id = NEW.{column} "
    "AND NOT is_active AND username LIKE 'erased-%')"
)
CHANGED = (
    "NEW.school_id <> OLD.school_id"
    " OR (NEW.teacher_id <> OLD.teacher_id AND NOT " + PSEUDONYM.format(column="teacher_id") + ")"
    " OR (NEW.para_id <> OLD.para_id AND NOT " + PSEUDONYM.format(column="para_id") + ")"
)

SQLITE = [
    f"""
    CREATE TRIGGER pairs_pair_identity_fixed
    BEFORE UPDATE OF school_id, teacher_id, para_id ON pairs_pair
    WHEN {CHANGED}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE.replace("'", "''")}'); END;
    """,
]
SQLITE_UNDO = ["DROP TRIGGER IF EXISTS pairs_pair_identity_fixed;"]

POSTGRESQL = [
    f"""
    CREATE FUNCTION pairs_pair_identity_fixed() RETURNS trigger AS $$
    BEGIN
        IF {CHANGED} THEN
            RAISE EXCEPTION '{MESSAGE.replace("'", "''")}';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER pairs_pair_identity_fixed
        BEFORE UPDATE OF school_id, teacher_id, para_id ON pairs_pair
        FOR EACH ROW EXECUTE FUNCTION pairs_pair_identity_fixed();
    """,
]
POSTGRESQL_UNDO = [
    "DROP TRIGGER IF EXISTS pairs_pair_identity_fixed ON pairs_pair;",
    "DROP FUNCTION IF EXISTS pairs_pair_identity_fixed();",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            # No parameters: the SQL is run as written (its LIKE pattern has a %).
            schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("pairs", "0002_pair_started_on_local_day"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRESQL_UNDO}),
        ),
    ]
