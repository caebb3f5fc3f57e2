"""Personal data: the registry, export and erasure, the record of access, and
keeping plan and note text out of URLs, email and logs."""

import datetime
import json
import logging
import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.db.models import CharField, JSONField, Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from courses import recording
from courses.assigning import assign
from courses.grading import questions_from_quiz
from courses.models import Assignment, Certificate, ModuleProgress, QuizAttempt
from privacy.registry import (
    REGISTRY,
    NoPersonalData,
    PersonalData,
    undeclared_models,
)
from reporting.reminders import send_reminders
from tests.clock import TODAY
from tests.factories import PairFactory, ParaFactory, signed_in
from tests.page_factories import make_course
from workspace.access_log import Action, Part, record_access_by
from workspace.models import AccessRecord, CheckIn, PairAction, WeeklyPlan
from workspace.plans import monday_of

pytestmark = pytest.mark.django_db

User = get_user_model()


# The registry ------------------------------------------------------------------------


def test_every_installed_model_is_declared():
    assert undeclared_models() == []


def test_a_model_missing_from_the_registry_is_named(monkeypatch):
    monkeypatch.delitem(REGISTRY, "checklists.CheckIn")
    assert undeclared_models() == ["checklists.CheckIn"]


ONLY_ON_SQLITE = {"wagtailsearch.SQLiteFTSIndexEntry"}


@pytest.mark.parametrize("label", sorted(REGISTRY))
def test_each_declaration_says_why_or_names_real_fields(label):
    declaration = REGISTRY[label]
    if label in ONLY_ON_SQLITE and connection.vendor != "sqlite":
        pytest.skip("Wagtail registers this model on SQLite only.")
    model = apps.get_model(label)  # LookupError for a label that names no model
    if isinstance(declaration, NoPersonalData):
        assert declaration.reason.endswith(".")
    else:
        assert isinstance(declaration, PersonalData)
        for name in declaration.fields:
            model._meta.get_field(name.split("__")[0])  # FieldDoesNotExist for a typo


# A person with a history -------------------------------------------------------------

PERSON_ID = 987_654_321
NAME = ("Quintessa", "Vandermolen")
EMAIL = "quintessa.vandermolen@example.org"


def answers(module) -> dict[str, list[str]]:
    return {q.id: sorted(q.correct_ids) for q in questions_from_quiz(module.quiz)}


@pytest.fixture
def person(district):
    """A para with progress, attempts, a certificate, an assignment (and its email
    and audit entry), checklist actions, a plan, a check-in, sessions, a sign-in
    address, MFA, a Wagtail profile, access records and a queued email."""
    person = ParaFactory(
        id=PERSON_ID, username="qvandermolen", first_name=NAME[0], last_name=NAME[1], email=EMAIL
    )
    pair = PairFactory(school=district.school, teacher=district.teacher, para=person)
    course = make_course("Working together", modules=1, audience="paras")
    module = course.modules().first()
    assign(
        course, [person], TODAY + datetime.timedelta(days=2), "Please start.", district.school_admin
    )
    recording.record_read(person, module)
    recording.submit_quiz(person, module, answers(module), recording.new_form_token())
    action = PairAction.objects.create(
        pair=pair, text="Meet before the bell.", planned_for=TODAY, added_by=person
    )
    action.para_done_at = timezone.now()
    action.save()
    WeeklyPlan.objects.create(
        pair=pair, week_of=monday_of(TODAY), students="J.M.", strategies="Timer.", updated_by=person
    )
    CheckIn.objects.create(pair=pair, author=person, happened_on=TODAY, minutes=15, note="Fine.")
    EmailAddress.objects.create(user=person, email=EMAIL, primary=True, verified=True)
    Authenticator.objects.create(user=person, type="recovery_codes", data={"seed": "x"})
    UserProfile.get_for_user(person)
    signed_in(person)  # leaves a session
    record_access_by(person, pair, Part.PLAN, Action.VIEWED)
    DBTaskResult.objects.create(
        args_kwargs={"args": [person.pk], "kwargs": {}},
        task_path="pairs.invitations.send_welcome",
        backend_name="default",
        run_after=get_date_max(),
    )
    assert Certificate.objects.filter(user=person).exists()
    return person


def test_an_administrator_reads_everything_held_about_a_person(person, district):
    response = signed_in(district.school_admin).get(reverse("privacy:person", args=[person.pk]))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    for held in (EMAIL, "Meet before the bell.", "Timer.", "Working together", "Please start."):
        assert held in page


def test_the_json_export_holds_each_kind_of_record(person, district):
    response = signed_in(district.district_admin).get(
        reverse("privacy:person_json", args=[person.pk])
    )
    assert response.status_code == HTTPStatus.OK
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)["data"]
    assert data["accounts.User"][0]["email"] == EMAIL
    for label in (
        "courses.ModuleProgress",
        "courses.QuizAttempt",
        "courses.Certificate",
        "courses.Assignment",
        "checklists.PairAction",
        "checklists.WeeklyPlan",
        "checklists.CheckIn",
        "account.EmailAddress",
        "mfa.Authenticator",
        "sessions.Session",
        "checklists.AccessRecord",
        "wagtailcore.ModelLogEntry",
        "django_tasks_database.DBTaskResult",
    ):
        assert data[label], label


def test_opening_the_page_is_one_view_and_the_download_one_export(person, district):
    admin = signed_in(district.school_admin)
    by_admin = AccessRecord.objects.filter(user=district.school_admin)
    admin.get(reverse("privacy:person", args=[person.pk]))
    assert list(by_admin.values_list("action", "part")) == [(Action.VIEWED, Part.WORKSPACE)]
    admin.get(reverse("privacy:person_json", args=[person.pk]))
    assert by_admin.filter(action=Action.EXPORTED).count() == 1
    assert by_admin.count() == 2
    history = ModelLogEntry.objects.filter(user=district.school_admin, object_id=str(person.pk))
    assert sorted(history.values_list("action", flat=True)) == [
        "tandem.export_person",
        "tandem.view_person",
    ]


def test_the_page_reads_in_words_grouped_by_what_it_means(person, district):
    page = (
        signed_in(district.school_admin)
        .get(reverse("privacy:person", args=[person.pk]))
        .content.decode()
    )
    teacher = str(district.teacher)
    for heading in (
        "Account",
        "Quiz attempts",
        f"Weekly plans with {teacher}",
        f"Check-ins with {teacher}",
        f"Checklist actions with {teacher}",
        "Work assigned to them",
    ):
        assert f">{heading}</h2>" in page, heading
    # Questions by their text, and no model labels or database keys.
    quiz = questions_from_quiz(QuizAttempt.objects.get().module.quiz)
    assert quiz[0].prompt in page
    assert quiz[0].id not in page
    assert "courses.QuizAttempt" not in page and "pair_id" not in page
    # The person who assigned the work, by name.
    assert str(district.school_admin) in page


@pytest.mark.parametrize("name", ["person", "person_json", "erase"])
def test_another_schools_administrator_cannot_reach_a_person(person, district, name):
    response = signed_in(district.other_school_admin).get(
        reverse(f"privacy:{name}", args=[person.pk])
    )
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("name", ["people", "pairs"])
def test_learners_do_not_reach_the_privacy_screens(district, name):
    response = signed_in(district.para).get(reverse(f"privacy:{name}"))
    assert response.status_code != HTTPStatus.OK


def references_to(person_id: int, needles: list[str]) -> list[str]:
    """Every table column that still holds ``person_id`` (as a key to a person, or
    as text) or any of ``needles`` (address, name), as ``label.column``."""
    found = []
    tables = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table not in tables:
            continue  # e.g. SQLite's full-text table on PostgreSQL
        rows = model._base_manager.all()
        for field in model._meta.concrete_fields:
            column = field.attname
            if field.is_relation and field.related_model is User:
                hit = rows.filter(**{column: person_id})
            elif isinstance(field, CharField | TextField):
                query = Q(**{column: str(person_id)})
                for needle in needles:
                    query |= Q(**{f"{column}__icontains": needle})
                hit = rows.filter(query)
            elif isinstance(field, JSONField):
                text = rows.annotate(as_text=Cast(column, TextField()))
                query = Q(as_text__contains=str(person_id))
                for needle in needles:
                    query |= Q(as_text__icontains=needle)
                hit = text.filter(query)
            else:
                continue
            if hit.exists():
                found.append(f"{model._meta.label}.{column}")
    return found


def signed_in_as(person_id: int) -> list[str]:
    return [
        session.session_key
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") == str(person_id)
    ]


def test_erasing_a_person_leaves_no_row_that_names_them(person, district):
    needles = [EMAIL, NAME[0], NAME[1], person.username]
    assert references_to(PERSON_ID, needles)  # the scan finds them before
    assert signed_in_as(PERSON_ID)

    admin = signed_in(district.school_admin)
    url = reverse("privacy:erase", args=[person.pk])
    assert admin.get(url).status_code == HTTPStatus.OK
    refused = admin.post(url, {"person": district.para.pk})
    assert refused.status_code == HTTPStatus.OK and User.objects.filter(pk=PERSON_ID).exists()
    response = admin.post(url, {"person": person.pk})

    assert response.status_code == HTTPStatus.FOUND
    assert references_to(PERSON_ID, needles) == []
    assert signed_in_as(PERSON_ID) == []
    assert not User.objects.filter(pk=PERSON_ID).exists()
    # What is theirs alone is gone...
    assert not ModuleProgress.objects.exists()
    assert not QuizAttempt.objects.exists()
    assert not Certificate.objects.exists()
    assert not Assignment.objects.exists()
    # ...and what the pair shares stays for the partner, under a pseudonym.
    pair = district.teacher.pairs_as_teacher.exclude(pk=district.pair.pk).get()
    pseudonym = pair.para
    assert not pseudonym.is_active and pseudonym.email == ""
    assert pair.ended_on == TODAY
    assert WeeklyPlan.objects.get(pair=pair).updated_by == pseudonym
    assert CheckIn.objects.get(pair=pair).author == pseudonym
    assert PairAction.objects.get(pair=pair).added_by == pseudonym
    assert AccessRecord.objects.filter(pair_id=pair.pk, user=pseudonym).exists()
    assign_entry = ModelLogEntry.objects.get(action="tandem.assign")
    assert str(pseudonym) in assign_entry.label
    assert ModelLogEntry.objects.filter(action="tandem.erase_person", user=district.school_admin)


def test_an_administrator_cannot_erase_themselves(district):
    response = signed_in(district.school_admin).get(
        reverse("privacy:erase", args=[district.school_admin.pk])
    )
    assert response.status_code != HTTPStatus.OK
    assert User.objects.filter(pk=district.school_admin.pk).exists()


# The record of access ------------------------------------------------------------------


@pytest.fixture
def pair(district):
    district.pair.started_on = TODAY - datetime.timedelta(days=70)
    district.pair.save()
    return district.pair


PAGES = [
    ("pair_detail", Part.WORKSPACE),
    ("pair_actions", Part.CHECKLIST),
    ("weekly_plan", Part.PLAN),
    ("check_ins", Part.CHECK_INS),
]


@pytest.mark.parametrize(("name", "part"), PAGES)
@pytest.mark.parametrize("who", ["para", "teacher", "school_admin", "district_admin"])
def test_viewing_a_pairs_records_writes_one_access_record(pair, district, name, part, who):
    user = getattr(district, who)
    response = signed_in(user).get(reverse(name, args=[pair.pk]))
    assert response.status_code == HTTPStatus.OK
    record = AccessRecord.objects.get()
    assert (record.pair_id, record.user_id, record.part, record.action) == (
        pair.pk,
        user.pk,
        part,
        Action.VIEWED,
    )
    expected_role = {
        "school_admin": "school_administrator",
        "district_admin": "district_administrator",
    }
    assert record.role == expected_role.get(who, who)


def plan_form(version=0, **fields) -> dict:
    data = {
        "students": "J.M.",
        "priority_goals": "Two-step problems.",
        "strategies": "Visual schedule.",
        "data_collection": "Tally prompts.",
        "communication": "Before the bell.",
        "version": str(version),
    }
    return {**data, **fields}


def check_in_form(note="We met.") -> dict:
    return {"kind": "check_in", "happened_on": TODAY.isoformat(), "minutes": "15", "note": note}


def test_changing_a_pairs_records_writes_a_changed_record(pair):
    client = signed_in(pair.para)
    client.post(reverse("weekly_plan", args=[pair.pk]), plan_form())
    client.post(reverse("check_in_new", args=[pair.pk]), check_in_form())
    changed = AccessRecord.objects.filter(action=Action.CHANGED)
    assert sorted(changed.values_list("part", flat=True)) == [Part.CHECK_INS, Part.PLAN]


def test_outsiders_leave_no_access_record(pair, district):
    response = signed_in(district.other_school_admin).get(reverse("weekly_plan", args=[pair.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not AccessRecord.objects.exists()


def test_the_district_administrator_reads_a_pairs_record_of_access(pair, district):
    signed_in(district.school_admin).get(reverse("check_ins", args=[pair.pk]))
    response = signed_in(district.district_admin).get(
        reverse("privacy:pair_access", args=[pair.pk])
    )
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert str(district.school_admin) in page
    assert "School administrator" in page and "Check-in log" in page
    index = signed_in(district.district_admin).get(reverse("privacy:pairs"))
    assert reverse("privacy:pair_access", args=[pair.pk]) in index.content.decode()


def test_the_record_of_access_filters_and_exports_what_it_shows(pair, district, clock):
    clock.move_to("2026-11-02 09:00")
    record_access_by(district.school_admin, pair, Part.PLAN, Action.VIEWED)
    clock.move_to("2026-11-16 09:00")
    record_access_by(pair.para, pair, Part.CHECK_INS, Action.CHANGED)
    record_access_by(district.other_pair.para, district.other_pair, Part.PLAN, Action.VIEWED)
    admin = signed_in(district.district_admin)
    url = reverse("privacy:pairs")

    def shown(**filters) -> str:
        """The table of records and the filters in use."""
        response = admin.get(reverse("privacy:pairs_results"), filters)
        assert response.status_code == HTTPStatus.OK
        return response.content.decode()

    assert str(district.other_pair.para) in shown()
    by_pair = shown(pair=pair.pk)
    assert str(pair.para) in by_pair and str(district.other_pair.para) not in by_pair
    changed = shown(action=Action.CHANGED)
    assert str(pair.para) in changed and str(district.school_admin) not in changed
    by_person = shown(person=district.school_admin.pk)
    assert str(district.school_admin) in by_person and "Changed" not in by_person
    early = shown(at_from="2026-11-01", at_to="2026-11-08")
    assert str(district.school_admin) in early and "1 access record\n" in early
    # A malformed date is said so, and loses nothing.
    malformed = admin.get(url, {"at_from": "next tuesday"})
    assert "Enter a valid date." in malformed.content.decode()

    export = admin.get(url, {"pair": pair.pk, "export": "csv"})
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "When,Who,As,Pair,Action,Records"
    assert len(lines) == 3
    assert lines[1].startswith("2026-11-16 09:00:00,") and "Changed,Check-in log" in lines[1]
    assert str(pair) in lines[1] and str(pair.para) in lines[1]


def test_a_school_administrator_cannot_read_the_record_of_access(pair, district):
    response = signed_in(district.school_admin).get(reverse("privacy:pair_access", args=[pair.pk]))
    # Wagtail's admin answers a refusal with a redirect to its home page.
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("wagtailadmin_home")


@pytest.fixture
def record(pair):
    return record_access_by(pair.para, pair, Part.PLAN, Action.VIEWED)


def test_an_access_record_cannot_be_changed_or_deleted(record, pair):
    record.part = Part.CHECKLIST
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        AccessRecord.objects.filter(pk=record.pk).update(part=Part.CHECKLIST)
    with pytest.raises(PermissionError):
        AccessRecord.objects.all().delete()
    assert AccessRecord.objects.get().part == Part.PLAN


@pytest.mark.skipif(connection.vendor != "postgresql", reason="The trigger is PostgreSQL's.")
def test_postgresql_itself_refuses_to_change_or_delete_an_access_record(record):
    from django.db import DatabaseError, transaction

    for sql in (
        "UPDATE checklists_accessrecord SET part = 'checklist'",
        "DELETE FROM checklists_accessrecord",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessRecord.objects.get().part == Part.PLAN


def test_deleting_a_pair_keeps_its_access_records(record, pair):
    """The record outlives the pair: nothing cascades into it."""
    PairAction.objects.filter(pair=pair).delete()
    pair.delete()
    assert AccessRecord.objects.filter(pk=record.pk).exists()


# Minimisation ---------------------------------------------------------------------------

MARKER = "zqxmarker"
INITIALS = "Q.X."
URL_ATTRIBUTE = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']([^"']*)["']""")


def test_plan_and_note_text_stay_out_of_urls_email_and_logs(pair, district, caplog):
    caplog.set_level(logging.DEBUG)
    para = signed_in(pair.para)
    responses = [
        para.post(
            reverse("weekly_plan", args=[pair.pk]),
            plan_form(students=INITIALS, priority_goals=f"Goal {MARKER}."),
        ),
        para.post(reverse("check_in_new", args=[pair.pk]), check_in_form(f"Note {MARKER}.")),
    ]
    assert WeeklyPlan.objects.filter(priority_goals__contains=MARKER).exists()
    assert CheckIn.objects.filter(note__contains=MARKER).exists()
    urls = [response["Location"] for response in responses]

    pages = [
        (signed_in(pair.para), reverse("my_pairs")),
        (signed_in(pair.teacher), reverse("pair_detail", args=[pair.pk])),
        (signed_in(pair.teacher), reverse("weekly_plan", args=[pair.pk])),
        (signed_in(pair.teacher), reverse("check_ins", args=[pair.pk])),
        (signed_in(pair.teacher), reverse("pair_actions", args=[pair.pk])),
        (signed_in(district.school_admin), reverse("pair_detail", args=[pair.pk])),
        (signed_in(district.school_admin), reverse("privacy:person", args=[pair.para.pk])),
    ]
    shown = False
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        page = response.content.decode()
        shown |= MARKER in page
        urls += URL_ATTRIBUTE.findall(page)
    send_reminders(TODAY)  # the digest to administrators describes pairs

    assert shown, "the marker should be on the pages, only not in their links"
    assert len(urls) > 20
    for url in urls:
        assert MARKER not in url and INITIALS not in url, url
    for message in mail.outbox:
        assert MARKER not in message.body + message.subject and INITIALS not in message.body
    assert mail.outbox, "the digest went out, so email was checked"
    for logged in caplog.records:
        assert MARKER not in logged.getMessage() and INITIALS not in logged.getMessage()
