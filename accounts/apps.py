from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_staff_groups(sender, **kwargs) -> None:
    from django.contrib.auth.models import Group

    from accounts import roles

    for name in roles.STAFF_GROUPS:
        Group.objects.get_or_create(name=name)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save
        from wagtail.users.models import UserProfile

        from accounts.language import (
            admin_language_follows_person,
            person_follows_admin_language,
            remember_language_at_sign_in,
        )
        from accounts.mfa import count_totp_activation_as_mfa

        post_migrate.connect(create_staff_groups, sender=self)
        authenticator_added.connect(count_totp_activation_as_mfa)
        post_save.connect(admin_language_follows_person, sender=get_user_model())
        post_save.connect(person_follows_admin_language, sender=UserProfile)
        user_logged_in.connect(remember_language_at_sign_in)
