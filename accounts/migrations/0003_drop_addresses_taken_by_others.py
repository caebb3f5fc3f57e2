"""Remove the added addresses that are another account's sign-in address.

Before addresses were checked across accounts (accounts.email_addresses), a
person could add someone else's address on the email page; while such a row
exists, signing in with that address and the person's own password still
reaches the person's account, because allauth tries every account an address
leads to. The address belongs to the account whose sign-in address it is, so
the other rows go. Rows that only repeat each other (nobody's sign-in address)
are left for an administrator to sort out.
"""

from django.db import migrations
from django.db.models.functions import Lower


def drop_taken_addresses(apps, schema_editor):
    EmailAddress = apps.get_model("account", "EmailAddress")
    User = apps.get_model("accounts", "User")
    owners = dict(
        User.objects.exclude(email="").annotate(key=Lower("email")).values_list("key", "pk")
    )
    taken = [
        address.pk
        for address in EmailAddress.objects.annotate(key=Lower("email")).only("pk", "user_id")
        if owners.get(address.key, address.user_id) != address.user_id
    ]
    EmailAddress.objects.filter(pk__in=taken).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_labels"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(drop_taken_addresses, migrations.RunPython.noop, elidable=True),
    ]
