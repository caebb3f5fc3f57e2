"""The one authentication backend: allauth's, loading the signed-in person in
one query with what every page asks of them."""

import functools
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Permission
from django.db import connections
from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from accounts.models import ADMIN_ACCESS
from config.database import ANY_ID, compiled_once


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
    """Log-in by email or username (allauth's), at the cost of one password hash
    whether or not the account exists; each request's person comes from
    ``people_with_access_flags``."""

    def authenticate(self, request: HttpRequest | None, **credentials) -> AbstractBaseUser | None:
        # Django makes a backend for each authenticate() call, so this is per call.
        self._password_checked: dict[Any, AbstractBaseUser | None] = {}
        return super().authenticate(request, **credentials)

    def _check_password(
        self, user: AbstractBaseUser | None, password: str
    ) -> AbstractBaseUser | None:
        """allauth's check, made once per account in a sign-in.

        allauth's form passes a typed address as both ``email`` and
        ``username``, and its backend looks the address up under each, hashing
        the password for a known account twice; an unknown address costs only
        the one stand-in hash (``_mitigate_timing_attack``, as Django's
        ModelBackend does). The difference (0.55 s against 0.30 s with the
        production hasher) told which addresses have accounts.
        https://github.com/pennersr/django-allauth/blob/65.21.0/allauth/account/auth_backends.py
        (``_authenticate``); tests/test_security_timing.py counts the hashes.
        """
        if user is None:
            return super()._check_password(user, password)
        if user.pk not in self._password_checked:
            self._password_checked[user.pk] = super()._check_password(user, password)
        return self._password_checked[user.pk]

    def get_user(self, user_id):
        # Django's ModelBackend.get_user, reading through ``people_with_access_flags``
        # (https://github.com/django/django/blob/5.2.8/django/contrib/auth/backends.py);
        # tests/test_wagtail_pins.py checks the flags agree with the plain user.
        compiled = _person_with_flags()
        pk = get_user_model()._meta.pk.get_db_prep_value(user_id, connections[compiled.alias])
        people = compiled.instances(pk)
        if not people:
            return None
        return people[0] if self.user_can_authenticate(people[0]) else None


@compiled_once(get_user_model())
def _person_with_flags():
    """The SQL that loads one person with their flags, compiled once per database.

    Every signed-in request loads its person; putting this query together and
    compiling it cost several times what the database takes to answer it (about
    0.5 ms of CPU against 0.1 ms), so each request runs the compiled SQL with
    its person's id.
    """
    return people_with_access_flags().filter(pk=ANY_ID)
