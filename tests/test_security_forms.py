"""Forms against hostile posts: extra fields change nothing, every ModelForm names its
fields, no POST gets past CSRF without a token, a GET writes nothing, any Unicode is
taken, and over-long or pathological text is a form error or plain text, never a 5xx."""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
import subprocess
import time
from http import HTTPStatus

import pytest
from django import forms
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from content.markdown import render_markdown
from courses.grading import questions_from_quiz
from courses.models import Assignment, ModuleProgress, QuizAttempt
from courses.recording import new_form_token
from pairs.models import Pair, School
from tests.project import project_apps
from tests.security_world import TODAY, client_for, world_for_module
from workspace.models import CheckIn, PairAction, WeeklyPlan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from world_for_module(django_db_blocker)


PROJECT_APPS = project_apps()
# What a hostile form adds to every post: owner fields, flags and counters.
EXTRA_FIELDS = {
    "pair": "999",
    "pair_id": "999",
    "teacher": "999",
    "para": "999",
    "school": "999",
    "user": "999",
    "user_id": "999",
    "author": "999",
    "added_by": "999",
    "updated_by": "999",
    "assigned_by": "999",
    "is_staff": "on",
    "is_superuser": "on",
    "groups": "1",
    "user_permissions": "1",
    "score": "1",
    "passed": "on",
    "completed_at": "2020-01-01T00:00:00",
    "passed_at": "2020-01-01T00:00:00",
    "para_done_at": "2020-01-01T00:00:00",
    "teacher_done_at": "2020-01-01T00:00:00",
    "created_at": "2020-01-01T00:00:00",
    "version": "77",
    "records_data": "on",
}


def own(world):
    return world.records["own"]


def far(world):
    return world.records["other_school"]


def workspace_url(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"pk": own(world).pair.pk, **kwargs})


# Every ModelForm lists its fields -----------------------------------------------------


def project_form_classes() -> list[type]:
    found = set()
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__.startswith(PROJECT_APPS):
                    found.add(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


FORM_CLASSES = project_form_classes()


def test_the_project_has_forms_to_check():
    names = {cls.__name__ for cls in FORM_CLASSES}
    assert {"CheckInForm", "WeeklyPlanForm", "PairForm", "PersonForm", "AssignForm"} <= names


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda cls: cls.__name__)
def test_every_model_form_lists_its_fields(form_class):
    if not issubclass(form_class, forms.BaseModelForm):
        return
    meta = form_class.Meta
    assert isinstance(meta.fields, (list, tuple)), (
        f"{form_class.__name__}: fields = {meta.fields!r}"
    )
    assert getattr(meta, "exclude", None) is None, f"{form_class.__name__} uses exclude"


def test_no_view_is_exempt_from_csrf():
    result = subprocess.run(
        ["grep", "-rln", "csrf_exempt", *PROJECT_APPS, "config", "templates"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout == ""


# Mass assignment on the front-end forms ----------------------------------------------


def posted(client, url, data, form_fields=()):
    """POST ``data`` with every extra field the form does not have."""
    extra = {key: value for key, value in EXTRA_FIELDS.items() if key not in form_fields}
    response = client.post(url, {**extra, **data})
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    return response


def test_extra_fields_on_a_check_in_change_nothing_but_the_check_in(world):
    records, client = own(world), client_for(own(world).pair.para)
    response = posted(
        client,
        workspace_url("check_in_new", world),
        {"kind": "check_in", "happened_on": TODAY.isoformat(), "minutes": "20", "note": "Ok."},
    )
    assert response.status_code == HTTPStatus.FOUND
    check_in = CheckIn.objects.latest("pk")
    assert (check_in.pair, check_in.author, check_in.note) == (records.pair, records.para, "Ok.")
    assert not far(world).pair.check_ins.filter(note="Ok.").exists()


def test_extra_fields_on_an_own_action_change_nothing_but_the_action(world):
    records, client = own(world), client_for(own(world).pair.teacher)
    response = posted(
        client,
        workspace_url("pair_action_new", world),
        {"text": "Greet at the door.", "who": "together", "planned_for": TODAY.isoformat()},
    )
    assert response.status_code == HTTPStatus.FOUND
    action = PairAction.objects.latest("pk")
    assert (action.pair, action.added_by) == (records.pair, records.pair.teacher)
    assert (action.para_done_at, action.teacher_done_at) == (None, None)
    # records_data is a field of this form: the one extra that may be set here.
    assert action.text == "Greet at the door."


def test_extra_fields_on_an_action_record_change_only_the_note_and_outcome(world):
    action = own(world).action
    before = PairAction.objects.values().get(pk=action.pk)
    response = posted(
        client_for(own(world).para),
        workspace_url("pair_action_record", world, action_pk=action.pk),
        {"note": "It helped.", "outcome": PairAction.Outcome.choices[0][0]},
    )
    assert response.status_code == HTTPStatus.FOUND
    after = PairAction.objects.values().get(pk=action.pk)
    changed = {key for key in before if before[key] != after[key]}
    # The record, and who wrote it when: set by the view, not from what was posted.
    assert changed <= {"note", "outcome", "noted_by_id", "noted_at"}
    assert after["note"] == "It helped."
    assert after["noted_by_id"] == own(world).para.pk


def test_extra_fields_on_a_confirmation_set_only_the_posters_key(world):
    action = own(world).action
    response = posted(
        client_for(own(world).para),
        workspace_url("pair_action_confirm", world, action_pk=action.pk),
        {"confirmed": "1"},
    )
    assert response.status_code == HTTPStatus.FOUND
    action.refresh_from_db()
    assert action.para_done_at is not None
    assert action.teacher_done_at is None
    assert action.pair_id == own(world).pair.pk


def test_extra_fields_on_the_plan_change_only_the_plan_fields(world):
    plan = own(world).plan
    response = posted(
        client_for(own(world).para),
        workspace_url("weekly_plan", world),
        {
            "students": "A.B.",
            "priority_goals": "Reading fluency.",
            "strategies": "",
            "data_collection": "",
            "communication": "",
            "version": str(plan.version),
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert plan.pair_id == own(world).pair.pk
    assert plan.updated_by == own(world).para
    assert plan.version == 2  # one save on from the first, not the 77 posted
    assert plan.priority_goals == "Reading fluency."


def test_extra_fields_when_adding_a_modules_actions_go_to_the_posters_pair(world):
    count = far(world).pair.actions.count()
    response = posted(
        client_for(own(world).para),
        workspace_url("pair_action_add", world),
        {"module_id": str(world.module.pk), "planned_for": TODAY.isoformat()},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert far(world).pair.actions.count() == count
    assert own(world).pair.actions.filter(module=world.module, block_id__gt="").exists()


def test_extra_fields_on_a_quiz_submission_are_not_the_grade(world):
    module, para = world.module, own(world).para
    questions = questions_from_quiz(module.quiz)
    wrong = {}
    for question in questions:
        choice = next((c for c in question.choices if not c.correct), question.choices[0])
        wrong[question.field_name] = choice.id
    quiz_url = module.url + module.reverse_subpage("quiz")
    response = posted(
        client_for(para),
        quiz_url,
        {"module": str(module.pk), "form_token": new_form_token(), **wrong},
    )
    assert response.status_code == HTTPStatus.FOUND
    attempt = QuizAttempt.objects.filter(user=para, module=module).latest("pk")
    assert attempt.score < 1
    assert attempt.passed is False
    assert not ModuleProgress.objects.filter(user=para, module=module, passed_at__isnull=False)


def test_extra_fields_on_mark_read_record_only_the_read(world):
    module, para = world.module, own(world).para
    ModuleProgress.objects.filter(user=para, module=module).delete()
    response = posted(client_for(para), module.url + module.reverse_subpage("mark_read"), {})
    assert response.status_code == HTTPStatus.FOUND
    progress = ModuleProgress.objects.get(user=para, module=module)
    assert progress.read_at is not None
    assert progress.completed_at is None  # the quiz is still to pass
    assert not ModuleProgress.objects.filter(user=far(world).para, read_at__gt=TODAY).exists()


# Mass assignment on the admin forms ---------------------------------------------------


def test_extra_fields_on_the_person_form_grant_nothing(world):
    para = own(world).para
    response = posted(
        client_for(world.user("school_admin")),
        reverse("people:edit", args=[para.pk]),
        {
            "first_name": "Renamed",
            "last_name": para.last_name,
            "email": para.email,
            "username": para.username,
            "role": "para",
            "is_active": "on",
            "schools": str(world.school.pk),
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    para.refresh_from_db()
    assert para.first_name == "Renamed"
    assert (para.is_staff, para.is_superuser) == (False, False)
    assert not para.groups.exists()
    assert not para.user_permissions.exists()


def test_extra_fields_on_the_pair_form_stay_in_the_admins_school(world):
    pair = own(world).pair
    data = {
        "school": str(world.other_school.pk),  # not theirs, and a pair's school is fixed
        "teacher": str(pair.teacher_id),
        "para": str(pair.para_id),
        "started_on": pair.started_on.isoformat(),
        "ended_on": "",
    }
    response = client_for(world.user("school_admin")).post(
        reverse("pairs:edit", args=[pair.pk]), {**EXTRA_FIELDS, **data}
    )
    # Saved: the school, teacher and para are shown, not taken from the request.
    assert response.status_code == HTTPStatus.FOUND
    assert Pair.objects.get(pk=pair.pk).school == world.school


def test_extra_fields_on_the_school_form_change_only_name_and_administrators(world):
    school = world.school
    response = posted(
        client_for(world.user("district_admin")),
        reverse("schools:edit", args=[school.pk]),
        {"name": "Maple Primary", "administrators": str(world.user("school_admin").pk)},
    )
    assert response.status_code == HTTPStatus.FOUND
    school.refresh_from_db()
    assert school.name == "Maple Primary"
    assert list(school.members.all()) == list(School.objects.get(pk=school.pk).members.all())
    assert not world.user("school_admin").is_superuser


def test_extra_fields_on_the_assign_form_assign_only_to_the_chosen(world):
    admin, para = world.user("school_admin"), own(world).para
    before = set(Assignment.objects.values_list("pk", flat=True))
    response = posted(
        client_for(admin),
        reverse("assignments:add"),
        {
            "page": str(world.module.pk),
            "due_on": (TODAY + datetime.timedelta(days=3)).isoformat(),
            "target": "people",
            "people": str(para.pk),
        },
        # The form's own "pair" and "school" choices are scoped: see the next test.
        form_fields=("pair", "school"),
    )
    assert response.status_code == HTTPStatus.FOUND
    made = Assignment.objects.exclude(pk__in=before)
    assert [(a.user, a.assigned_by) for a in made] == [(para, admin)]


@pytest.mark.parametrize("target", ["people", "pair", "school"])
def test_the_assign_form_refuses_another_schools_people_pairs_and_schools(world, target):
    far_records = far(world)
    before = Assignment.objects.count()
    response = client_for(world.user("school_admin")).post(
        reverse("assignments:add"),
        {
            "page": str(world.module.pk),
            "due_on": (TODAY + datetime.timedelta(days=3)).isoformat(),
            "target": target,
            "people": str(far_records.para.pk),
            "pair": str(far_records.pair.pk),
            "school": str(far_records.school.pk),
            "role": "para",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors.get(target)
    assert Assignment.objects.count() == before


# CSRF ----------------------------------------------------------------------------------


def state_changing_urls(world) -> list[str]:
    module, records = world.module, own(world)
    action = {"action_pk": records.action.pk}
    return [
        workspace_url("weekly_plan", world),
        workspace_url("check_in_new", world),
        workspace_url("pair_action_new", world),
        workspace_url("pair_action_add", world),
        workspace_url("pair_action_confirm", world, **action),
        workspace_url("pair_action_undo", world, **action),
        workspace_url("pair_action_record", world, **action),
        module.url + module.reverse_subpage("quiz"),
        module.url + module.reverse_subpage("mark_read"),
        reverse("account_logout"),
        reverse("account_change_password"),
        reverse("account_email"),
    ]


ADMIN_STATE_CHANGING = [
    ("pairs:add", None),
    ("pairs:edit", "pair"),
    ("pairs:delete", "pair"),
    ("people:add", None),
    ("people:edit", "para"),
    ("schools:edit", "school"),
    ("assignments:add", None),
    ("assignments:edit", "assignment"),
    ("assignments:delete", "assignment"),
    ("import_people:upload", None),
    ("import_people:commit", None),
    ("privacy:erase", "para"),
]


def test_every_state_changing_url_refuses_a_post_without_a_token(world):
    refused = []
    checks = [(own(world).para, url) for url in state_changing_urls(world)]
    for name, what in ADMIN_STATE_CHANGING:
        args = [getattr(own(world), what).pk] if what else []
        checks.append((world.user("district_admin"), reverse(name, args=args)))
    for user, url in checks:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        status = client.post(url, {"confirmed": "1", "note": "x"}).status_code
        if status != HTTPStatus.FORBIDDEN:
            refused.append(f"{url}: {status}")
    assert refused == []


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the schema
            counts[table] = cursor.fetchone()[0]
    return counts


# Written on GET by design: the session; the privacy log of who viewed a pair's
# records (workspace.access_log); the audit entry for an export of someone's data
# (privacy:person_json); the admin profile Wagtail makes on a first visit; the
# address allauth records for an account when its email page opens.
WRITTEN_ON_GET = {
    "django_session",
    "checklists_accessrecord",
    "wagtailcore_modellogentry",
    "wagtailusers_userprofile",
    "account_emailaddress",
}


def test_a_get_of_any_project_url_writes_nothing(world):
    """Every URL but Wagtail's own screens: the front end and this project's admin."""
    from tests.test_security_matrix import KEYS, cases_for, pattern_named, url_for

    keys = [key for key in KEYS if not key.startswith(("wagtail", "admin/"))]
    before = table_counts()
    for role in ("para", "teacher", "school_admin", "district_admin", "editor"):
        client = client_for(world.user(role))
        for key in keys:
            pattern = pattern_named(key)
            for case in cases_for(pattern):
                client.get(url_for(pattern, world, case))
    after = table_counts()
    changed = {
        table: (before.get(table), count)
        for table, count in after.items()
        if before.get(table) != count and table not in WRITTEN_ON_GET
    }
    assert changed == {}


# Any Unicode; over-long is a form error ------------------------------------------------

UNICODE_TEXTS = [
    "Great work today 🎉👩🏽‍🏫🧑‍🤝‍🧑",
    "مرحبا، عملنا معاً اليوم",  # right-to-left
    "שלום \u202eevil\u202c text",  # a right-to-left override
    "zero\u200bwidth\u200djoin\ufeffbom",
    "combining e\u0301\u0301\u0301 and Z̴̡̛a̷l̸g̶o̵",
    "\U0001f600" * 300,  # astral characters: 4 bytes each in UTF-8
    "CJK 日本語のテキスト and ＦＵＬＬＷＩＤＴＨ",
]


def front_end_forms(world):
    """(name, url, valid data, field under test, its max length) for every text field."""
    records = own(world)
    base_check_in = {"kind": "check_in", "happened_on": TODAY.isoformat(), "minutes": "10"}
    base_plan = {"students": "A.B.", "version": str(records.plan.version)}
    plan_fields = {
        "priority_goals": 2000,
        "strategies": 2000,
        "data_collection": 2000,
        "communication": 1000,
    }
    action_url = workspace_url("pair_action_record", world, action_pk=records.action.pk)
    forms_ = [
        ("check-in note", workspace_url("check_in_new", world), base_check_in, "note", 4000),
        ("action record note", action_url, {"outcome": "helped"}, "note", 4000),
        (
            "own action text",
            workspace_url("pair_action_new", world),
            {"who": "together", "planned_for": TODAY.isoformat()},
            "text",
            1000,
        ),
    ]
    for name, limit in plan_fields.items():
        forms_.append((f"plan {name}", workspace_url("weekly_plan", world), base_plan, name, limit))
    return forms_


def outcome_value(world):
    return PairAction.Outcome.choices[0][0]


def test_every_front_end_text_field_takes_any_unicode(world):
    client = client_for(own(world).para)
    failures = []
    for name, url, base, field, _limit in front_end_forms(world):
        for text in UNICODE_TEXTS:
            data = {**base, field: text}
            if "outcome" in data:
                data["outcome"] = outcome_value(world)
            if field != "version" and "version" in data:
                data["version"] = str(WeeklyPlan.objects.get(pk=own(world).plan.pk).version)
            response = client.post(url, data)
            if response.status_code != HTTPStatus.FOUND:
                failures.append(f"{name} with {text[:20]!r}: {response.status_code}")
    assert failures == []
    assert CheckIn.objects.filter(note=UNICODE_TEXTS[0]).exists()
    assert PairAction.objects.filter(note=UNICODE_TEXTS[-1]).exists()


@pytest.mark.parametrize("overflow", ["x", "🎉", "\u200b"])
def test_over_long_text_is_a_form_error_on_every_field(world, overflow):
    client = client_for(own(world).para)
    failures = []
    for name, url, base, field, limit in front_end_forms(world):
        data = {**base, field: "a" * limit + overflow}
        if "outcome" in data:
            data["outcome"] = outcome_value(world)
        response = client.post(url, data)
        if response.status_code not in (HTTPStatus.OK, HTTPStatus.CONFLICT) or not (
            response.context and response.context["form"].errors.get(field)
        ):
            failures.append(f"{name}: {response.status_code}")
    assert failures == []


def test_a_nul_character_is_a_form_error_not_a_database_error(world):
    client = client_for(own(world).para)
    for name, url, base, field, _limit in front_end_forms(world):
        data = {**base, field: "before\x00after"}
        if "outcome" in data:
            data["outcome"] = outcome_value(world)
        response = client.post(url, data)
        assert response.status_code == HTTPStatus.OK, name
        assert response.context["form"].errors.get(field), name


# Pathological Markdown -------------------------------------------------------------------

# Generous: about ten times what these take on a loaded laptop.
RENDER_BUDGET_SECONDS = 2.0
PATHOLOGICAL = {
    "nested list markers": "- " * 1000,
    "numbered list markers": "1. " * 1300,
    "plus list markers": "+ " * 2000,
    "nested quotes": "> " * 2000,
    "open brackets": "[" * 4000,
    "open image brackets": "![" * 2000,
    "brackets with text": "[a" * 2000,
    "brackets in code": "`[" * 2000,
    "brackets after a link": "http://" + "[" * 3990,
    "autolink brackets": "<http://" + "[" * 3990,
    "unclosed link targets": "[a](" * 1000,
    "parentheses": "(" * 4000,
    "empty links": "[](" * 1300,
    "emphasis": "*a" * 2000,
    "cdata": "<![CDATA[" * 400,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_markdown_renders_quickly_and_inertly(text):
    started = time.perf_counter()
    html = render_markdown(text)
    assert time.perf_counter() - started < RENDER_BUDGET_SECONDS
    assert "<script" not in html
    assert len(html) > 0


def test_too_deep_nesting_is_shown_as_escaped_text():
    html = render_markdown("1. " * 1300 + "<b>bold</b>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>" not in html


def test_links_still_work_beside_a_run_of_brackets():
    html = render_markdown("[[[[[[[[[[ see [the guide](https://example.org)")
    assert '<a href="https://example.org"' in html


def test_a_pathological_note_is_saved_and_its_page_still_opens(world):
    client = client_for(own(world).para)
    for text in ("- " * 1000, "[" * 4000, "1. " * 1300):
        response = client.post(
            workspace_url("check_in_new", world),
            {"kind": "check_in", "happened_on": TODAY.isoformat(), "minutes": "5", "note": text},
        )
        assert response.status_code == HTTPStatus.FOUND
    started = time.perf_counter()
    response = client.get(workspace_url("check_ins", world))
    assert response.status_code == HTTPStatus.OK
    assert time.perf_counter() - started < 3 * RENDER_BUDGET_SECONDS
