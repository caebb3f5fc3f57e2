"""The one student-data validator of the workspace, as a table: what it must refuse
(and with which reason), what it must keep, and that every free-text field of the
workspace goes through it."""

from http import HTTPStatus

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from tests.clock import TODAY
from workspace.models import CheckIn, PairAction
from workspace.student_data import (
    INITIALS_ONLY,
    NO_BIRTH_DATES,
    NO_ID_NUMBERS,
    personal_data_errors,
    validate_no_personal_data,
    validate_student_initials,
)

NAME, BIRTH, ID = INITIALS_ONLY, NO_BIRTH_DATES, NO_ID_NUMBERS

SHOULD_REFUSE = [
    # Full names
    ("Jamal Ortiz used the break card twice.", NAME),
    ("Worked with Maria Lopez on sight words.", NAME),
    ("Today Jamal Ortiz asked for a break.", NAME),
    ("Mary-Kate O'Neil read aloud.", NAME),
    ("Gave the card to Ana Silva's group.", NAME),
    ("Kevin Nguyen's mother called.", NAME),
    ("Seat Liam Brown near the door.", NAME),
    ("AB and Sofia Garcia shared a table.", NAME),
    ("Prompted Noah Williams, then waited.", NAME),
    ("Ask Dmitri Ivanov to lead the line.", NAME),
    ("Sam O’Connor finished early.", NAME),
    ("Check on Zoe Martinez after lunch.", NAME),
    # Dates of birth
    ("J.M. was born March 14, 2016.", BIRTH),
    ("DOB 3/14/2016", BIRTH),
    ("d.o.b. 14.03.16", BIRTH),
    ("Birthdate: 2016-03-14", BIRTH),
    ("Date of birth on file.", BIRTH),
    ("AB (14 March 2016) reads daily.", BIRTH),
    ("Sept. 3rd, 2015 is when K.L. was born.", BIRTH),
    ("Turns 10 on 12/05/2016.", BIRTH),
    ("Her birth date is in the IEP.", BIRTH),
    ("JM b. 2016-3-4", BIRTH),
    ("Call home: 1/2/15", BIRTH),
    ("June 9, 2017", BIRTH),
    # ID numbers
    ("Student 4471923: tally prompts.", ID),
    ("ID 4471", ID),
    ("id: 883", ID),
    ("Student # 120345 needs a visual timer.", ID),
    ("Student number 55123", ID),
    ("SSID 123456789", ID),
    ("LASID 90817", ID),
    ("JM #20481234", ID),
    ("123-45-6789", ID),
    ("His number is 0042817.", ID),
    ("ID no. 3345", ID),
    ("Log it under 998877 in the district system.", ID),
]

SHOULD_KEEP = [
    "J.M. counts to 1000 with a number line.",
    "Meet in room 1204 at 8:15.",
    "AB used the break card 3 times.",
    "Collect on 11/24 and 11/26.",
    "Three prompts, then 2-3 minutes of choice.",
    "Check in daily at 8:15 for 10 minutes.",
    "Use Social Stories before recess.",
    "Monday Morning Meeting: JM greets two peers.",
    "Zones of Regulation check at arrival.",
    "First-Then Board for math centers.",
    "Ms Lopez will call home on Friday.",
    "Mrs. Chen covers lunch duty.",
    "Read 1,000,000 words this year goal.",
    "Reading level went from 250 to 310 Lexile.",
    "Score 8/10 on the quiz.",
    "Tuesday and Thursday only.",
    "K.L. and T.R. worked in a pair.",
    "It helped. Jamal smiled.",
    "Jamal asked for a break.",
    "Use the Calm Corner when the timer rings.",
    "In March we start the token board.",
    "The year 2026 starts a new plan.",
    "Pi is 3.14159 on the poster.",
    "Visual Schedule at the door.",
    "Break Card on the desk.",
    "Data every Friday, 5 trials.",
    "AB read pages 12-48.",
    "Phone check-in at 3pm.",
    "Group of 4 at Center Time.",
    "",
]


@pytest.mark.parametrize(("text", "reason"), SHOULD_REFUSE)
def test_the_validator_refuses_student_data_saying_why(text, reason):
    assert reason in personal_data_errors(text)
    with pytest.raises(Exception) as refused:
        validate_no_personal_data(text)
    assert str(reason) in refused.value.messages


@pytest.mark.parametrize("text", SHOULD_KEEP)
def test_the_validator_keeps_ordinary_text(text):
    assert personal_data_errors(text) == []
    validate_no_personal_data(text)


def test_the_table_is_big_enough_to_guard_the_patterns():
    assert len(SHOULD_REFUSE) + len(SHOULD_KEEP) >= 60
    assert {reason for _, reason in SHOULD_REFUSE} == {NAME, BIRTH, ID}


# Filled in by the application, never typed by a person.
FREE_TEXT_BUT_NOT_WRITTEN = {"block_id"}


def _free_text_fields():
    for model in apps.get_app_config("checklists").get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                yield model, field


def test_every_free_text_field_of_the_workspace_goes_through_the_validator():
    checked = (validate_no_personal_data, validate_student_initials)
    fields = list(_free_text_fields())
    assert fields
    unchecked = [
        f"{model.__name__}.{field.name}"
        for model, field in fields
        if field.editable
        and not any(validator in checked for validator in field.validators)
        and field.name not in FREE_TEXT_BUT_NOT_WRITTEN
    ]
    assert unchecked == []


# The forms: refused with the reason, and what was typed is kept -----------------------


@pytest.fixture
def pair(district):
    return district.pair


def _action(pair):
    return PairAction.objects.create(
        pair=pair, text="Offer the break card.", planned_for=TODAY, records_data=True
    )


FORMS = {
    "action text": (
        lambda pair: reverse("pair_action_new", args=[pair.pk]),
        lambda text: {"text": text, "who": "together", "planned_for": str(TODAY)},
        "text",
    ),
    "data note": (
        lambda pair: reverse("pair_action_record", args=[pair.pk, _action(pair).pk]),
        lambda text: {"note": text, "outcome": "helped"},
        "note",
    ),
    "check-in note": (
        lambda pair: reverse("check_in_new", args=[pair.pk]),
        lambda text: {
            "kind": "check_in",
            "happened_on": str(TODAY),
            "minutes": "10",
            "note": text,
        },
        "note",
    ),
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("text", "reason"), [SHOULD_REFUSE[0], SHOULD_REFUSE[13], SHOULD_REFUSE[24]]
)
def test_every_workspace_form_refuses_student_data_and_keeps_the_text(pair, form, text, reason):
    url, data, field = FORMS[form]
    client = Client()
    client.force_login(pair.para)
    target = url(pair)
    before = (PairAction.objects.count(), CheckIn.objects.count())
    response = client.post(target, data(text))
    assert response.status_code == HTTPStatus.OK
    assert str(reason) in response.context["form"].errors[field]
    assert response.context["form"][field].value() == text
    assert (PairAction.objects.count(), CheckIn.objects.count()) == before
    assert not PairAction.objects.filter(note=text).exists()
