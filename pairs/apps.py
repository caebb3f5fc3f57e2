from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_administrator_permissions(sender, **kwargs) -> None:
    from accounts import roles
    from accounts.groups import ensure_permissions, grant
    from pairs.models import DaysWithoutSchool, District, Pair, School

    ensure_permissions(sender, using=kwargs.get("using", "default"))
    everything = ["add", "change", "delete", "view"]
    # The district's own setting (Settings → District) and its calendar are theirs to edit.
    grant(
        roles.DISTRICT_ADMINISTRATORS,
        {
            School: everything,
            Pair: everything,
            District: ["change"],
            DaysWithoutSchool: everything,
        },
    )
    grant(roles.SCHOOL_ADMINISTRATORS, {School: ["view"], Pair: everything})


class PairsConfig(AppConfig):
    name = "pairs"
    verbose_name = _("Schools and pairs")

    def ready(self) -> None:
        post_migrate.connect(grant_administrator_permissions, sender=self)
