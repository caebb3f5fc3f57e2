"""Admin screens for personal data: export and erase a person, and read the
record of access to a pair's workspace.

Export and erasure are for the administrators of the person's school (or the
district); the access record is the district administrator's to read. Each
view checks in ``dispatch``: a hidden menu item protects nothing.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from pairs.scoping import is_administrator, may_manage_account, pairs_for_user, people_for_user
from privacy.access_report import AccessReport
from privacy.personal_data import as_json, erase_person, export_person
from privacy.readable import readable_groups
from workspace.access_log import Action, access_records_for

PER_PAGE = 50


class AdministratorView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if not is_administrator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("privacy:people"), "label": _("Personal data")},
            *self.trail(),
        ]

    def trail(self) -> list[dict]:
        return []


class PeopleView(AdministratorView):
    """Find a person of your schools to export or erase."""

    page_title = gettext_lazy("Personal data")
    template_name = "privacy/admin/privacy_people.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": _("Personal data")}]

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()
        people = people_for_user(self.request.user).order_by("last_name", "first_name", "pk")
        if query:
            people = people.filter(
                Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
                | Q(email__icontains=query)
                | Q(username__icontains=query)
            )
        page = Paginator(people, PER_PAGE).get_page(self.request.GET.get("p"))
        return super().get_context_data(query=query, page_obj=page, **kwargs)


class PersonMixin:
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.person = None

    def get_person(self, queryset):
        self.person = get_object_or_404(queryset, pk=self.kwargs["pk"])
        return self.person


class PersonDataView(PersonMixin, AdministratorView):
    """Everything held about a person, as a page; the JSON download beside it."""

    template_name = "privacy/admin/privacy_person.html"

    def get_page_title(self):
        return _("Data held about %(person)s") % {"person": self.person}

    def trail(self):
        return [{"url": "", "label": str(self.person)}]

    def get(self, request, *args, **kwargs):
        self.get_person(people_for_user(request.user))
        sections = export_person(self.person, by=request.user, action=Action.VIEWED)
        return self.render_to_response(
            self.get_context_data(
                person=self.person,
                groups=readable_groups(self.person, sections),
                may_erase=may_erase(request.user, self.person),
            )
        )


@require_safe
def person_json(request, pk: int) -> HttpResponse:
    if not is_administrator(request.user):
        raise PermissionDenied
    person = get_object_or_404(people_for_user(request.user), pk=pk)
    sections = export_person(person, by=request.user)
    return HttpResponse(
        as_json(person, sections),
        content_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="tandem-person-{person.pk}.json"'},
    )


def may_erase(admin, person) -> bool:
    return may_manage_account(admin, person)


class EraseForm(forms.Form):
    """Confirmed by choosing the person, shown by name and email address: the
    administrator came here from that person's page, and says it is them."""

    person = forms.TypedChoiceField(
        label=gettext_lazy("Who is to be erased?"),
        widget=forms.RadioSelect,
        coerce=int,
        error_messages={"required": gettext_lazy("Choose the person to erase.")},
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        address = person.email or _("no email address")
        self.fields["person"].choices = [(person.pk, f"{person} ({address})")]

    def clean_person(self):
        if self.cleaned_data["person"] != self.person.pk:
            raise forms.ValidationError(_("Choose the person this page is about."))
        return self.cleaned_data["person"]


class ErasePersonView(PersonMixin, AdministratorView):
    """Erase a person: GET asks for confirmation, POST erases."""

    template_name = "privacy/admin/privacy_erase.html"
    header_icon = "bin"

    def get_page_title(self):
        return _("Erase %(person)s") % {"person": self.person}

    def trail(self):
        return [
            {"url": reverse("privacy:person", args=[self.person.pk]), "label": str(self.person)},
            {"url": "", "label": _("Erase")},
        ]

    def erasable(self, request):
        person = self.get_person(people_for_user(request.user))
        if not may_erase(request.user, person):
            raise PermissionDenied
        return person

    def get(self, request, *args, **kwargs):
        person = self.erasable(request)
        return self.render_to_response(
            self.get_context_data(person=person, form=EraseForm(person=person))
        )

    def post(self, request, *args, **kwargs):
        person = self.erasable(request)
        form = EraseForm(request.POST, person=person)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(person=person, form=form))
        erasure = erase_person(person, by=request.user)
        messages.success(
            request,
            _("The person is erased. Shared records now show “%(pseudonym)s”.")
            % {"pseudonym": erasure.pseudonym},
        )
        return redirect("privacy:people")


class DistrictAdministratorView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "history"

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_district_admin):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def pairs(self):
        return pairs_for_user(self.request.user).select_related("teacher", "para", "school")


class PairAccessView(DistrictAdministratorView):
    """Who viewed, changed or exported one pair's records, newest first."""

    template_name = "privacy/admin/pair_access.html"

    def get_page_title(self):
        return _("Access to the records of %(pair)s") % {"pair": self.pair}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("privacy:pairs"), "label": _("Record of access")},
            {"url": "", "label": str(self.pair)},
        ]

    def get(self, request, *args, **kwargs):
        self.pair = get_object_or_404(self.pairs(), pk=kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        page = Paginator(access_records_for(self.pair), PER_PAGE).get_page(
            self.request.GET.get("p")
        )
        people = get_user_model().objects.in_bulk({record.user_id for record in page})
        rows = [
            {
                "record": record,
                "person": people.get(record.user_id),
                "role": record.get_role_display(),
            }
            for record in page
        ]
        return super().get_context_data(pair=self.pair, page_obj=page, rows=rows, **kwargs)


urlpatterns = [
    path("", PeopleView.as_view(), name="people"),
    path("people/<int:pk>/", PersonDataView.as_view(), name="person"),
    path("people/<int:pk>/export.json", person_json, name="person_json"),
    path("people/<int:pk>/erase/", ErasePersonView.as_view(), name="erase"),
    path("pairs/", AccessReport.as_view(), name="pairs"),
    path("pairs/results/", AccessReport.as_view(results_only=True), name="pairs_results"),
    path("pairs/<int:pk>/access/", PairAccessView.as_view(), name="pair_access"),
]
