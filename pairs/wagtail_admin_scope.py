"""Wagtail's own screens held to the schools an administrator runs: the site
history and its exports, the editing-session ping, and the admin API's images
and documents.

The district's records (schools, pairs, people, assignments) are scoped on
their own screens by ``ScopedModelViewSet.queryset_for_user``. Wagtail also
answers about them on screens of its own, which ask only whether the person
holds a permission on the kind of record. Here each of those screens is held to
the same ``queryset_for_user``, through the rules in ``pairs.scoping``:

- Site history (and its CSV and XLSX exports): scoped, not closed. Wagtail reads
  the report's rows and every one of its filters' choices (people, kinds of
  record, actions) through one method, ``viewable_by_user`` of the log entries'
  manager, so narrowing that one method scopes the whole report. A school
  administrator keeps the history of their own schools' records; a district
  administrator reads all of it.
- The editing-session ping: Wagtail answers it when the record's permission
  policy grants "change", then lists who else has the record open. The models
  of the district's screens get a policy that also asks ``queryset_for_user``,
  so another school's pair or assignment answers 404 as a missing one does.
  Its "release" needs nothing: it deletes only the caller's own sessions and
  answers ``{}`` whatever the id.
- The admin API's images and documents: Wagtail lists every one there to anyone
  in the admin; here, like its choosers, only those the person's collection
  permissions let them use (``pairs.scoping.files_for``).

Wagtail has no hook for the first two (both views are mounted before any
``register_admin_urls`` pattern could stand in for them), so the methods they
call are replaced; tests/test_wagtail_admin_scope.py pins what this relies on.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, QuerySet
from wagtail import hooks
from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models.audit_log import ModelLogEntryManager
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from pairs.scoping import files_for, log_entries_for
from pairs.viewsets import ScopedModelViewSet

QuerysetForUser = Callable[[object], QuerySet]


def district_screens() -> dict[type[Model], QuerysetForUser]:
    """Each model the district's admin screens manage, with the rule its screens
    apply (``queryset_for_user``). Read from Wagtail's registry of admin viewsets,
    so a screen added later (in any app) is held to its rule here too."""
    screens: dict[type[Model], QuerysetForUser] = {}
    for viewset in admin_viewsets.viewsets:
        if isinstance(viewset, ScopedModelViewSet):
            screens.setdefault(viewset.model, viewset.queryset_for_user)
    return screens


# Site history ----------------------------------------------------------------------

# https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/models/audit_log.py
# (``BaseLogEntryManager.viewable_by_user``: any permission on the kind of record) is
# what https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/admin/views/reports/audit_logging.py
# reads for the report's rows, its exports and its filters' choices, and nothing else
# in Wagtail calls it. Page entries have their own manager and stay as they are.
wagtails_viewable_by_user = ModelLogEntryManager.viewable_by_user


def viewable_within_scope(manager, user) -> QuerySet:
    records = {model: rule(user) for model, rule in district_screens().items()}
    return log_entries_for(user, wagtails_viewable_by_user(manager, user), records)


ModelLogEntryManager.viewable_by_user = viewable_within_scope


# Editing sessions ------------------------------------------------------------------


class ScopedModelPermissionPolicy(ModelPermissionPolicy):
    """Wagtail's model permissions, with each record also held to the rule of the
    screens that manage it: a record outside it is one the person has no
    permission on at all."""

    def __init__(self, model: type[Model], queryset_for_user: QuerysetForUser):
        super().__init__(model)
        self.queryset_for_user = queryset_for_user

    def user_has_permission_for_instance(self, user, action, instance) -> bool:
        return (
            super().user_has_permission_for_instance(user, action, instance)
            and self.queryset_for_user(user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        instances = super().instances_user_has_any_permission_for(user, actions)
        return instances.filter(pk__in=self.queryset_for_user(user).values("pk"))


# Wagtail's admin URLs fill its registry of viewsets in a register_admin_urls hook of
# order 0 (https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/admin/wagtail_hooks.py,
# ``register_viewsets_urls``); order 1 runs once they are all there. Each of them has
# by then made Wagtail's fallback policy for its model, which register_permission_policy
# refuses to replace (https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/permissions.py,
# ``PolicyRegistry.register``): it is dropped first. The viewsets keep the fallback for
# their own views, which their querysets already scope; the ping
# (https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/admin/views/editing_sessions.py)
# and Wagtail's "edit" links look the policy up in the registry on every request.
@hooks.register("register_admin_urls", order=1)
def hold_wagtails_record_checks_to_scope() -> list:
    for model, queryset_for_user in district_screens().items():
        fallback = policy_registry.get_fallback_policy(model)
        if policy_registry.get_by_type(model, fallback=False) is not fallback:
            continue  # a policy of its own (Wagtail's for users): left as it is
        policy_registry.fallback_policies.pop(model, None)
        register_permission_policy(
            model, ScopedModelPermissionPolicy(model, queryset_for_user), exact_class=True
        )
    return []


# The admin API's images and documents ----------------------------------------------


class ImagesWithinReach(ImagesAdminAPIViewSet):
    def get_queryset(self):
        policy = policy_registry.get_by_type(self.model)
        return files_for(self.request.user, super().get_queryset(), policy)


class DocumentsWithinReach(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        policy = policy_registry.get_by_type(self.model)
        return files_for(self.request.user, super().get_queryset(), policy)


# wagtail.images and wagtail.documents register their endpoints in construct_admin_api
# hooks of order 0 (https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/images/wagtail_hooks.py,
# https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/documents/wagtail_hooks.py),
# whose views list every file outside a private collection
# (https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/images/api/v2/views.py);
# registering the same names later replaces them.
@hooks.register("construct_admin_api", order=1)
def list_only_usable_files(router) -> None:
    router.register_endpoint("images", ImagesWithinReach)
    router.register_endpoint("documents", DocumentsWithinReach)
