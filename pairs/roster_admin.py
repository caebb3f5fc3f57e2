"""The roster import in the admin: upload a OneRoster bundle, read the dry run,
import it; then confirm the pairs it suggests, school by school.

Importing changes staff roles, so it is a district administrator's alone. Pair
suggestions are for every administrator, over their own schools: a roster says
who works in a school, never who works with whom.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.validators import FileExtensionValidator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import LogFormatter, log

from accounts import roles
from pairs import roster
from pairs.forms import ImportCommitForm, PairForm
from pairs.importing import Change
from pairs.models import Pair, School
from pairs.scoping import administered_schools, is_administrator, people_managed_by

# ---------------------------------------------------------------------------
# Forms


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("OneRoster bundle"),
        validators=[FileExtensionValidator(["zip"])],
        help_text=gettext_lazy(
            "The zip of CSV files your student information system exports "
            "(OneRoster 1.1 or 1.2), at most %(size)s."
        )
        % {"size": filesizeformat(roster.MAX_BUNDLE_BYTES)},
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > roster.MAX_BUNDLE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s; leave out the files Tandem does not read.")
                % {"size": filesizeformat(roster.MAX_BUNDLE_BYTES)}
            )
        return upload


class RosterCommitForm(ImportCommitForm):
    """Carries the dry run's staff (never its students) to the import, signed."""

    salt = "pairs.roster"

    @classmethod
    def for_roster(cls, user, name: str, read: roster.Roster) -> RosterCommitForm:
        payload = signing.dumps(
            {"user": user.pk, "name": name, "roster": read.to_payload()},
            salt=cls.salt,
            compress=True,
        )
        return cls(user=user, initial={"payload": payload})


# ---------------------------------------------------------------------------
# Views


class DistrictAdministratorsOnlyMixin:
    """Staff roles come with the roster: only a district administrator may import one."""

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_district_admin):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RosterUploadView(DistrictAdministratorsOnlyMixin, WagtailAdminTemplateMixin, View):
    """Upload a bundle (POST) and see the dry run; the import is the commit view."""

    page_title = gettext_lazy("Import the roster")
    header_icon = "upload"
    template_name = "pairs/admin/roster_upload.html"
    preview_template_name = "pairs/admin/roster_preview.html"

    def get(self, request):
        return self.render(self.template_name, form=RosterUploadForm())

    def post(self, request):
        form = RosterUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(self.template_name, form=form)
        upload = form.cleaned_data["file"]
        read = roster.read_bundle(upload.read())
        plan = roster.plan_roster(read, by=request.user)
        commit_form = None
        if plan.is_valid:
            commit_form = RosterCommitForm.for_roster(request.user, upload.name, read)
        return self.render_preview(plan, upload.name, commit_form)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": _("Import the roster")}]

    def render_preview(self, plan: roster.RosterPlan, name: str, commit_form):
        return self.render(
            self.preview_template_name,
            plan=plan,
            file_name=name,
            commit_form=commit_form,
            created=[p for p in plan.people if p.change == Change.CREATE],
            changed=[p for p in plan.people if p.change == Change.UPDATE],
            unchanged_count=plan.count(Change.UNCHANGED),
            new_schools=[s for s in plan.schools if s.change == Change.CREATE],
            changed_schools=[s for s in plan.schools if s.change == Change.UPDATE],
        )

    def render(self, template_name: str, **context) -> TemplateResponse:
        context = self.get_context_data(
            upload_url=reverse("roster:upload"), commit_url=reverse("roster:commit"), **context
        )
        return TemplateResponse(self.request, template_name, context)


class RosterCommitView(RosterUploadView):
    """Import a bundle after its dry run, planned again first: Tandem may have
    changed since."""

    http_method_names = ["post"]

    def post(self, request):
        form = RosterCommitForm(request.POST, user=request.user)
        if not form.is_valid():
            for error in form.errors.get("payload", []):
                messages.error(request, error)
            return redirect("roster:upload")
        payload = form.cleaned_data["payload"]
        plan = roster.plan_roster(roster.Roster.from_payload(payload["roster"]), by=request.user)
        if not plan.is_valid:
            messages.error(
                request, _("The roster no longer imports cleanly; nothing was imported.")
            )
            return self.render_preview(plan, payload["name"], None)
        try:
            result = roster.apply_roster(plan, by=request.user, source=payload["name"])
        except IntegrityError:
            # Someone else wrote the same people between the dry run's check and this write.
            messages.error(
                request, _("The import clashed with another change; nothing was imported.")
            )
            return redirect("roster:upload")
        messages.success(
            request,
            _(
                "Imported %(file)s: %(schools)d schools added, %(created)d people added, "
                "%(updated)d changed, %(deactivated)d deactivated. Confirm the pairs below."
            )
            % {
                "file": payload["name"],
                "schools": result.schools_created,
                "created": result.created,
                "updated": result.updated,
                "deactivated": result.deactivated,
            },
        )
        return redirect("suggested_pairs:index")


# ---------------------------------------------------------------------------
# Suggested pairs


@dataclass(frozen=True)
class SchoolSuggestions:
    school: School
    paras: list
    teachers: list


def pair_suggestions(admin) -> list[SchoolSuggestions]:
    """For each school ``admin`` administers: its active paras who have no active
    pair there, and the school's active teachers to choose from (those with the
    fewest pairs first). A roster cannot say who works with whom; an
    administrator can."""
    suggestions = []
    people = people_managed_by(admin).filter(is_active=True)
    for school in administered_schools(admin).order_by("name"):
        in_school = people.filter(schools=school)
        active_here = Pair.objects.active().filter(school=school)
        paras = list(
            in_school.filter(role=roles.LearnerRole.PARA)
            .exclude(pk__in=active_here.values("para"))
            .order_by("last_name", "first_name")
        )
        if not paras:
            continue
        teachers = list(
            in_school.filter(role=roles.LearnerRole.TEACHER)
            .annotate(
                pair_count=Count(
                    "pairs_as_teacher",
                    filter=Q(pairs_as_teacher__ended_on__isnull=True)
                    & Q(pairs_as_teacher__school=school),
                )
            )
            .order_by("pair_count", "last_name", "first_name")
        )
        if teachers:
            suggestions.append(SchoolSuggestions(school, paras, teachers))
    return suggestions


class PairSuggestionsView(WagtailAdminTemplateMixin, View):
    """Paras without a partner, school by school, each with the school's teachers
    to pair them with. Confirming makes the pair as the Pairs screen does
    (``PairForm``), so the same checks hold."""

    page_title = gettext_lazy("Suggested pairs")
    header_icon = "group"
    template_name = "pairs/admin/pair_suggestions.html"

    def dispatch(self, request, *args, **kwargs):
        if not is_administrator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render()

    def post(self, request):
        form = PairForm(
            data={
                "school": request.POST.get("school"),
                "teacher": request.POST.get("teacher"),
                "para": request.POST.get("para"),
                "started_on": timezone.localdate().isoformat(),
            },
            for_user=request.user,
        )
        if not form.is_valid():
            errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
            message = _("The pair was not made: %(errors)s") % {"errors": " ".join(errors)}
            messages.error(request, message)
            return redirect("suggested_pairs:index")
        pair = form.save()
        log(pair, "wagtail.create", user=request.user)
        messages.success(request, _("%(pair)s now work together as a pair.") % {"pair": pair})
        return redirect("suggested_pairs:index")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": _("Suggested pairs")}]

    def render(self) -> TemplateResponse:
        context = self.get_context_data(suggestions=pair_suggestions(self.request.user))
        return TemplateResponse(self.request, self.template_name, context)


# ---------------------------------------------------------------------------
# History


class RosterRowFormatter(LogFormatter):
    template = ""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return self.template % {
            "file": data.get("file", "?"),
            "line": data.get("line", "?"),
            "bundle": data.get("source", ""),
        }


@hooks.register("register_log_actions")
def register_roster_log_actions(actions):
    @actions.register_action(roster.LOG_SCHOOL)
    class SchoolFromRoster(RosterRowFormatter):
        label = gettext_lazy("Roster: add or rename school")
        template = gettext_lazy("From %(file)s line %(line)s of %(bundle)s")

    @actions.register_action(roster.LOG_PERSON_CREATED)
    class PersonAdded(RosterRowFormatter):
        label = gettext_lazy("Roster: add person")
        template = gettext_lazy("Added from %(file)s line %(line)s of %(bundle)s")

    @actions.register_action(roster.LOG_PERSON_UPDATED)
    class PersonUpdated(RosterRowFormatter):
        label = gettext_lazy("Roster: update person")
        template = gettext_lazy("Updated from %(file)s line %(line)s of %(bundle)s")

    @actions.register_action(roster.LOG_ROSTER)
    class RosterImported(LogFormatter):
        label = gettext_lazy("Import the roster")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _(
                "Imported %(file)s: %(created)s people added, %(updated)s changed, "
                "%(deactivated)s deactivated"
            ) % {
                "file": data.get("source", ""),
                "created": data.get("created", 0),
                "updated": data.get("updated", 0),
                "deactivated": data.get("deactivated", 0),
            }
