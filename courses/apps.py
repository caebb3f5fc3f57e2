from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_migrate


def grant_editor_permissions(sender, **kwargs) -> None:
    """Editors write and publish courses; people and groups stay with administrators.

    Wagtail's own migration gives its "Editors" group add and change on the page
    tree and the use of images and documents; publishing is added here.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import GroupPagePermission, Page

    from accounts import roles
    from accounts.groups import ensure_permissions, grant

    using = kwargs.get("using", "default")
    ensure_permissions(sender, using=using)
    editors = grant(roles.EDITORS, {})
    root = Page.get_first_root_node()
    if root is not None:
        for codename in ("add_page", "change_page", "publish_page"):
            GroupPagePermission.objects.get_or_create(
                group=editors,
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    people = ContentType.objects.get_for_models(get_user_model(), Group).values()
    editors.permissions.remove(*Permission.objects.filter(content_type__in=people))
    # "Translate" in the page menu: a copy of the page in Spanish, with the English
    # page's block ids, for the editor to put into Spanish (README, "Content in Spanish").
    translation = apps.get_app_config("simple_translation")
    ensure_permissions(translation, using=using)
    editors.permissions.add(
        Permission.objects.get(
            content_type__app_label="simple_translation", codename="submit_translation"
        )
    )


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


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses and learning"

    def ready(self) -> None:
        post_migrate.connect(grant_editor_permissions, sender=self)
        post_migrate.connect(grant_assignment_permissions, sender=self)
        from courses.models.learning import (
            MissedQuestion,
            ModuleProgress,
            forget_first_try_miss,
            forget_progress,
        )

        post_delete.connect(forget_first_try_miss, sender=MissedQuestion)
        post_delete.connect(forget_progress, sender=ModuleProgress)
