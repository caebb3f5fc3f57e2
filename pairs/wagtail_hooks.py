import datetime

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.search import SearchArea
from wagtail.admin.views.home import WhatsNewInWagtailVersionPanel
from wagtail.log_actions import LogFormatter

# Registers the hooks that hold Wagtail's own screens to each administrator's schools.
import pairs.wagtail_admin_scope  # noqa: F401
from pairs import bulk_actions, change_log, importing, partner_change
from pairs.scoping import is_administrator
from pairs.viewsets import DistrictViewSetGroup


@hooks.register("register_admin_viewset")
def register_district_viewsets():
    return DistrictViewSetGroup()


hooks.register("register_bulk_action", bulk_actions.DeactivatePeople)
hooks.register("register_bulk_action", bulk_actions.EndPairs)


class ImportedRowFormatter(LogFormatter):
    template = ""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return self.template % {"line": data.get("line", "?"), "file": data.get("source", "")}


@hooks.register("register_log_actions")
def register_import_log_actions(actions):
    @actions.register_action(importing.LOG_PERSON_CREATED)
    class PersonCreated(ImportedRowFormatter):
        label = gettext_lazy("Import: add person")
        template = gettext_lazy("Added from line %(line)s of %(file)s")

    @actions.register_action(importing.LOG_PERSON_UPDATED)
    class PersonUpdated(ImportedRowFormatter):
        label = gettext_lazy("Import: update person")
        template = gettext_lazy("Updated from line %(line)s of %(file)s")

    @actions.register_action(importing.LOG_PAIR_CREATED)
    class PairCreated(ImportedRowFormatter):
        label = gettext_lazy("Import: create pair")
        template = gettext_lazy("Created from line %(line)s of %(file)s")

    @actions.register_action(importing.LOG_IMPORT)
    class PeopleImported(LogFormatter):
        label = gettext_lazy("Import people")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _(
                "Imported %(file)s: %(created)s people added, %(updated)s updated, "
                "%(pairs)s pairs created"
            ) % {
                "file": data.get("source", ""),
                "created": data.get("created", 0),
                "updated": data.get("updated", 0),
                "pairs": data.get("pairs_created", 0),
            }


def logged_day(iso_day: str | None) -> str:
    """A day kept in a log entry as ISO 8601, in the reader's language's format."""
    try:
        return date_format(datetime.date.fromisoformat(iso_day))
    except (TypeError, ValueError):
        return iso_day or "?"


class PartnerChangeFormatter(LogFormatter):
    template = ""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return self.template % {
            "ended": data.get("ended_pair_title", "?"),
            "ended_on": logged_day(data.get("ended_on")),
            "started": data.get("new_pair_title", "?"),
            "started_on": logged_day(data.get("started_on")),
        }


@hooks.register("register_log_actions")
def register_partner_change_log_actions(actions):
    @actions.register_action(partner_change.PARTNER_CHANGED_ACTION)
    class PartnerChanged(PartnerChangeFormatter):
        label = gettext_lazy("Change partner")
        template = gettext_lazy(
            "Ended on %(ended_on)s when the partner changed; continued as %(started)s "
            "from %(started_on)s"
        )

    @actions.register_action(partner_change.CONTINUED_FROM_ACTION)
    class ContinuedFrom(PartnerChangeFormatter):
        label = gettext_lazy("Continue a pair")
        template = gettext_lazy(
            "Started on %(started_on)s with a new partner, continuing %(ended)s "
            "(ended %(ended_on)s)"
        )


@hooks.register("register_log_actions")
def register_change_log_action(actions):
    @actions.register_action(change_log.EDIT_ACTION)
    class Changed(LogFormatter):
        label = gettext_lazy("Edit, with what changed")

        def format_message(self, log_entry):
            changes = (log_entry.data or {}).get("changes") or []
            return change_log.describe(changes) or _("Edited")


# An administrator's admin ----------------------------------------------------------

# Wagtail's release notes and editor guide are for the people who write the
# curriculum; administrators run schools.
EDITORS_HELP = ("editor-guide", "whats-new-in-wagtail")


@hooks.register("construct_help_menu")
def keep_wagtails_help_for_editors(request, menu_items):
    if not request.user.is_editor:
        menu_items[:] = [item for item in menu_items if not item.name.startswith(EDITORS_HELP)]


@hooks.register("construct_homepage_panels")
def keep_whats_new_for_editors(request, panels):
    if not request.user.is_editor:
        panels[:] = [
            panel for panel in panels if not isinstance(panel, WhatsNewInWagtailVersionPanel)
        ]


class DistrictSearchArea(SearchArea):
    """Searching from the admin's sidebar: an administrator who edits no pages
    searches the people or pairs of their schools (the listing scopes the results)."""

    def is_shown(self, request):
        return is_administrator(request.user)


@hooks.register("register_admin_search_area")
def register_people_search_area():
    return DistrictSearchArea(
        gettext_lazy("People"), reverse("people:index"), name="people", icon_name="user", order=200
    )


@hooks.register("register_admin_search_area")
def register_pairs_search_area():
    return DistrictSearchArea(
        gettext_lazy("Pairs"), reverse("pairs:index"), name="pairs", icon_name="group", order=210
    )
