"""Assigning a course or a module to people, a pair, or a school's paras or teachers.

One row a person: assigning what someone already has moves their due date
instead of adding a second row. Newly assigned people are emailed (through
``courses.tasks``) and every change is recorded with Wagtail's ``log()``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput
from wagtail.log_actions import log
from wagtail.models import Page

from accounts import roles
from content.models import show_in_reader_language
from courses.models import Assignment, CoursePage
from courses.progress import live_modules_by_course
from courses.tasks import absolute_url, render_email, send_assignment_email
from pairs import scoping
from pairs.change_log import change, log_changes
from pairs.models import Pair, School
from pairs.scoping import administered_schools, pairs_administered_by, people_for_user

ASSIGN_ACTION = "tandem.assign"
REASSIGN_ACTION = "tandem.reassign"

PEOPLE, PAIR, SCHOOL = "people", "pair", "school"


@dataclass(frozen=True)
class AssignResult:
    created: list[Assignment]
    updated: list[Assignment]


def assignable_people(admin) -> QuerySet:
    """Active paras and teachers of the schools ``admin`` administers."""
    return people_for_user(admin).filter(is_active=True, role__in=roles.LEARNER_ROLES)


def people_of_school(school: School, role: str) -> QuerySet:
    """Active people with ``role`` in ``school``, as members or through its pairs."""
    return scoping.people_of_school(school).filter(is_active=True, role=role)


def assign(
    page: Page,
    people: Iterable,
    due_on: datetime.date,
    note: str,
    by,
) -> AssignResult:
    """Assign ``page`` to each of ``people``, due on ``due_on``.

    Someone who already has it gets the new due date, and the new note if one
    was written (an empty note keeps the one they were given); if the date moved,
    they are told by email.
    """
    people = list(people)
    now = timezone.now()
    with transaction.atomic():
        existing = list(Assignment.objects.select_for_update().filter(page=page, user__in=people))
        was_due = {assignment.pk: assignment.due_on for assignment in existing}
        for assignment in existing:
            assignment.due_on = due_on
            assignment.note = note or assignment.note
            assignment.updated_at = now
        Assignment.objects.bulk_update(existing, ["due_on", "note", "updated_at"])
        had_it = {assignment.user_id for assignment in existing}
        created = Assignment.objects.bulk_create(
            Assignment(user=person, page=page, due_on=due_on, note=note, assigned_by=by)
            for person in people
            if person.pk not in had_it
        )
        names = {person.pk: str(person) for person in people}
        for assignment in created:
            log(
                assignment,
                ASSIGN_ACTION,
                user=by,
                title=f"{page.title} for {names[assignment.user_id]}",
                data={"due_on": due_on.isoformat()},
            )
            send_assignment_email.enqueue(assignment.pk, due_on.isoformat())
        for assignment in existing:
            log(
                assignment,
                REASSIGN_ACTION,
                user=by,
                title=f"{page.title} for {names[assignment.user_id]}",
                data={
                    "due_on": due_on.isoformat(),
                    "was_due_on": was_due[assignment.pk].isoformat(),
                },
            )
            if was_due[assignment.pk] != due_on:
                email_new_due_date(assignment, was_due[assignment.pk])
    return AssignResult(created, existing)


def redate(assignments: Iterable[Assignment], due_on: datetime.date, by) -> list[Assignment]:
    """Move each of ``assignments`` to ``due_on``: each one moved is logged with its
    old and new date, and its person told by email. Returns those that moved."""
    moved = []
    with transaction.atomic():
        rows = Assignment.objects.select_for_update().filter(
            pk__in=[assignment.pk for assignment in assignments]
        )
        for assignment in rows.select_related("user", "page"):
            if assignment.due_on == due_on:
                continue
            was_due_on = assignment.due_on
            assignment.due_on = due_on
            assignment.save(update_fields=["due_on", "updated_at"])
            field = Assignment._meta.get_field("due_on")
            log_changes(
                assignment,
                [change("due_on", capfirst(field.verbose_name), was_due_on, due_on)],
                by,
                title=f"{assignment.page.title} for {assignment.user}",
            )
            email_new_due_date(assignment, was_due_on)
            moved.append(assignment)
    return moved


def email_new_due_date(assignment: Assignment, was_due_on: datetime.date) -> None:
    """Tell the person their due date moved, once the move is saved: one email for
    each change, none for a save that changed nothing."""
    args = (assignment.pk, was_due_on.isoformat(), assignment.due_on.isoformat())
    transaction.on_commit(lambda: send_due_date_moved_email.enqueue(*args))


@task()
def send_due_date_moved_email(assignment_id: int, was_due_on: str, due_on: str) -> bool:
    """The new due date, unless it has moved again since (that move sends its own)."""
    assignment = (
        Assignment.objects.select_related("user", "page")
        .filter(pk=assignment_id, due_on=datetime.date.fromisoformat(due_on))
        .first()
    )
    if assignment is None or not assignment.user.email or not assignment.user.is_active:
        return False
    context = {
        "assignment": assignment,
        "person": assignment.user,
        "page": assignment.page,
        "was_due_on": datetime.date.fromisoformat(was_due_on),
        "url": absolute_url(assignment.page.url),
    }
    render_email("emails/due_date_moved", context, assignment.user).send()
    return True


# Forms ------------------------------------------------------------------------------


def page_choices() -> list:
    """Live courses, each followed by its live modules, grouped by course. Two queries."""
    courses = show_in_reader_language(CoursePage.objects.live().sources().order_by("path"))
    modules = live_modules_by_course(courses)
    return [
        (
            course.title,
            [(course.pk, _("Whole course: %(title)s") % {"title": course.title})]
            + [(module.pk, module.title) for module in modules[course.pk]],
        )
        for course in courses
    ]


class PairChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, pair):
        return f"{pair} ({pair.school})"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """Each person with their role and schools, so two Ana Torres can be told apart
    and a list filtered by typing "para" or a school's name finds the right ones."""

    def label_from_instance(self, person):
        schools = ", ".join(school.name for school in person.visible_schools)
        details = ", ".join(filter(None, [person.get_role_display(), schools]))
        return f"{person.get_full_name() or person.username} ({details})"


class AssignForm(forms.Form):
    """What, by when, why, and to whom. Every choice offered is already scoped to
    the administrator, so a person, pair or school outside their schools (typed
    into the request by hand) fails like any invalid choice."""

    page = forms.TypedChoiceField(
        label=gettext_lazy("Course or module"),
        coerce=int,
        error_messages={"invalid_choice": gettext_lazy("Choose a published course or module.")},
    )
    due_on = forms.DateField(label=gettext_lazy("Due on"), widget=AdminDateInput)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Why this matters, in a sentence or two. Sent with the email."),
    )
    target = forms.ChoiceField(
        label=gettext_lazy("Assign to"),
        choices=[
            (PEOPLE, gettext_lazy("The people chosen below")),
            (PAIR, gettext_lazy("Both partners of a pair")),
            (SCHOOL, gettext_lazy("Every para or every teacher of a school")),
        ],
        initial=PEOPLE,
        widget=forms.RadioSelect,
    )
    people = PeopleChoiceField(
        label=gettext_lazy("People"),
        queryset=get_user_model().objects.none(),
        # Checkboxes work without JavaScript; with it, the box the template puts
        # above them (``filter_checkboxes.js``) narrows the list as one types.
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Choose people from the schools you administer.")
        },
    )
    pair = PairChoiceField(
        label=gettext_lazy("Pair"),
        queryset=Pair.objects.none(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose one of your schools' pairs.")},
    )
    school = forms.ModelChoiceField(
        label=gettext_lazy("School"),
        queryset=School.objects.none(),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a school you administer.")},
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Who in the school"),
        choices=[
            ("", "---------"),
            (roles.LearnerRole.PARA, gettext_lazy("Every para")),
            (roles.LearnerRole.TEACHER, gettext_lazy("Every teacher")),
        ],
        required=False,
    )

    class Media:
        js = ["courses/admin/filter_checkboxes.js"]

    def __init__(self, *args, user, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.today = user, today
        self.fields["page"].choices = [("", "---------"), *page_choices()]
        self.fields["people"].queryset = (
            assignable_people(user)
            .order_by("last_name", "first_name", "pk")
            .prefetch_related(
                Prefetch(
                    "schools",
                    queryset=administered_schools(user).order_by("name"),
                    to_attr="visible_schools",
                )
            )
        )
        self.fields["pair"].queryset = (
            pairs_administered_by(user).active().select_related("school", "teacher", "para")
        )
        self.fields["school"].queryset = administered_schools(user)

    def clean_page(self) -> Page:
        return Page.objects.get(pk=self.cleaned_data["page"])

    def clean_due_on(self) -> datetime.date:
        due_on = self.cleaned_data["due_on"]
        if due_on < self.today:
            raise forms.ValidationError(_("Choose a due date from today on."))
        return due_on

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("target")
        if target == PEOPLE:
            cleaned["recipients"] = list(cleaned.get("people") or [])
            if not cleaned["recipients"] and "people" not in self.errors:
                self.add_error("people", _("Choose at least one person."))
        elif target == PAIR:
            pair = cleaned.get("pair")
            cleaned["recipients"] = [p for p in pair.members() if p.is_active] if pair else []
            if not pair and "pair" not in self.errors:
                self.add_error("pair", _("Choose a pair."))
        elif target == SCHOOL:
            school, role = cleaned.get("school"), cleaned.get("role")
            if not school and "school" not in self.errors:
                self.add_error("school", _("Choose a school."))
            if not role:
                self.add_error("role", _("Choose paras or teachers."))
            cleaned["recipients"] = list(people_of_school(school, role)) if school and role else []
            if school and role and not cleaned["recipients"]:
                self.add_error("role", _("Nobody in this school has that role yet."))
        return cleaned


class AssignmentForm(WagtailAdminModelForm):
    """Editing one assignment: its date and note. Who and what stay as assigned."""

    class Meta:
        model = Assignment
        fields = ["due_on", "note"]
        widgets = {"due_on": AdminDateInput, "note": forms.Textarea(attrs={"rows": 3})}

    def clean_due_on(self) -> datetime.date:
        due_on = self.cleaned_data["due_on"]
        if "due_on" in self.changed_data and due_on < timezone.localdate():
            raise forms.ValidationError(_("Choose a due date from today on."))
        return due_on
