from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def grant_assignment_permissions(sender, **kwargs) -> None:
    """Administrators assign courses and modules (``courses.Assignment``); which
    people's assignments they may touch is decided by ``pairs.scoping``."""
    from accounts import roles
    from accounts.groups import ensure_permissions, grant
    from courses.models import Assignment

    ensure_permissions(apps.get_app_config("courses"), using=kwargs.get("using", "default"))
    everything = ["add", "change", "delete", "view"]
    grant(roles.DISTRICT_ADMINISTRATORS, {Assignment: everything})
    grant(roles.SCHOOL_ADMINISTRATORS, {Assignment: everything})


class ChecklistsConfig(AppConfig):
    name = "checklists"
    verbose_name = "Pair workspace"

    def ready(self) -> None:
        post_migrate.connect(grant_assignment_permissions, sender=self)
