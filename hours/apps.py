from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def grant_administrator_permissions(sender, **kwargs) -> None:
    """Administrators enter outside PD and hire dates for their people (which people
    is ``pairs.scoping``'s rule); the district's administrators choose its rules."""
    from accounts import roles
    from accounts.groups import ensure_permissions, grant
    from hours.models import HoursRules, OutsidePD, PersonnelRecord, TitleIQualification

    ensure_permissions(apps.get_app_config("hours"), using=kwargs.get("using", "default"))
    everything = ["add", "change", "delete", "view"]
    per_person = {
        OutsidePD: everything,
        PersonnelRecord: everything,
        TitleIQualification: everything,
    }
    grant(roles.DISTRICT_ADMINISTRATORS, {**per_person, HoursRules: ["change"]})
    grant(roles.SCHOOL_ADMINISTRATORS, per_person)


class HoursConfig(AppConfig):
    name = "hours"
    verbose_name = "PD hours"

    def ready(self) -> None:
        from hours import checks, signals  # noqa: F401 (checks registers itself)

        post_migrate.connect(grant_administrator_permissions, sender=self)
        signals.connect()
