"""The one authentication backend: allauth's, loading the signed-in person in
one query with what every page asks of them."""

import functools

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef

from accounts.models import ADMIN_ACCESS


@functools.cache
def people_with_access_flags():
    """Everyone, each annotated with whether they are in any group and whether
    the Wagtail admin was opened to them by a permission of their own.

    Every page asks whether the person may open the admin (the staff idle
    time-out, the header's links). For most people, paras and teachers in no
    group, the two flags answer it without the two queries
    ``User.can_open_admin`` would make. Built once: putting this query together
    costs more than running it.
    """
    User = get_user_model()
    return User._default_manager.annotate(
        in_a_group=Exists(User.groups.through.objects.filter(user=OuterRef("pk"))),
        granted_admin_access=Exists(Permission.objects.filter(user=OuterRef("pk"), **ADMIN_ACCESS)),
    )


class AuthenticationBackend(AllauthBackend):
    """Log-in by email or username (allauth's); each request's person comes from
    ``people_with_access_flags``."""

    def get_user(self, user_id):
        try:
            user = people_with_access_flags().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
