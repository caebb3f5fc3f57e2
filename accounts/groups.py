"""Keep the staff groups and their model permissions in step with the code.

Each app grants its own permissions from its ``post_migrate`` handler, so the
dependency order between apps holds and a fresh database is ready after
``migrate``.
"""

from django.apps import AppConfig
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.management import create_contenttypes
from django.contrib.contenttypes.models import ContentType


def ensure_permissions(app_config: AppConfig, using: str = "default") -> None:
    """Create an app's content types and permissions now.

    Project apps come before ``django.contrib.auth`` in INSTALLED_APPS, so their
    ``post_migrate`` handlers run before auth has created their permissions.
    """
    create_contenttypes(app_config, verbosity=0, using=using)
    create_permissions(app_config, verbosity=0, using=using)


def grant(group_name: str, model_permissions: dict[type, list[str]]) -> Group:
    """Give ``group_name`` the listed actions ("add", "change", …) on each model."""
    group, _ = Group.objects.get_or_create(name=group_name)
    # Wagtail creates this permission in a migration, not in post_migrate, so a
    # database flush (transactional tests) removes it; recreate it the same way.
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    admin_access, _ = Permission.objects.get_or_create(
        content_type=admin_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    group.permissions.add(admin_access)
    for model, actions in model_permissions.items():
        content_type = ContentType.objects.get_for_model(model)
        codenames = [f"{action}_{model._meta.model_name}" for action in actions]
        group.permissions.add(
            *Permission.objects.filter(content_type=content_type, codename__in=codenames)
        )
    return group
