"""What waits on a person, and the notifications that put it there: the header's
count (one query), the list on My pairs and My learning, clearing by opening, and
email as each person chose it (off, at once, a daily summary), never twice and
never with a student's text in it."""

import datetime
import io
import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailNotifications
from courses.models import Assignment, ModuleProgress
from tests.clock import TODAY
from tests.factories import signed_in
from tests.page_factories import make_course
from workspace.models import Notification, PairAction
from workspace.notifications import send_notification_email
from workspace.plans import monday_of
from workspace.waiting import waiting_count

pytestmark = pytest.mark.django_db

SECRET = "Offer J.M. the break card before maths."


@pytest.fixture
def pair(district):
    district.pair.started_on = TODAY - datetime.timedelta(days=70)
    district.pair.save()
    return district.pair


def an_action(pair, text=SECRET, day=TODAY) -> PairAction:
    return PairAction.objects.create(pair=pair, text=text, planned_for=day)


def confirm(user, action):
    return signed_in(user).post(
        reverse("pair_action_confirm", args=[action.pair_id, action.pk]), {"confirmed": "1"}
    )


def header_count(client) -> str:
    page = client.get(reverse("my_pairs")).content.decode()
    return re.search(r'class="waiting-count[^"]*"[^>]*aria-label="([^"]+)"', page).group(1)


def test_the_para_confirms_and_the_teacher_sees_it_wait_until_she_opens_it(pair):
    action = an_action(pair)
    teacher = signed_in(pair.teacher)
    assert header_count(teacher) == "Nothing waits for you"

    confirm(pair.para, action)

    assert header_count(teacher) == "1 thing waits for you"
    page = teacher.get(reverse("my_pairs")).content.decode()
    name = pair.para.get_full_name()
    assert f"{name} confirmed an action on your checklist." in page
    assert SECRET.replace("'", "&#x27;") in page  # in the app, the action is named
    assert header_count(signed_in(pair.para)) == "Nothing waits for you"

    notification = Notification.objects.get(recipient=pair.teacher)
    opened = teacher.get(reverse("waiting_open", args=[notification.pk]))
    assert opened.status_code == HTTPStatus.FOUND
    assert opened.url == reverse("pair_detail", args=[pair.pk]) + f"#action-{action.pk}"
    assert header_count(teacher) == "Nothing waits for you"


def test_doing_your_part_clears_it_too(pair):
    action = an_action(pair)
    confirm(pair.para, action)
    assert waiting_count(pair.teacher) == 1
    confirm(pair.teacher, action)
    assert waiting_count(pair.teacher) == 0
    # Done for the pair: the para is not told the teacher confirmed.
    assert waiting_count(pair.para) == 0


def test_taking_your_part_back_takes_back_what_the_partner_was_told(pair):
    action = an_action(pair)
    confirm(pair.para, action)
    signed_in(pair.para).post(reverse("pair_action_undo", args=[pair.pk, action.pk]))
    assert waiting_count(pair.teacher) == 0


def test_nobody_else_opens_a_persons_notification(pair, district):
    confirm(pair.para, an_action(pair))
    notification = Notification.objects.get()
    for outsider in (pair.para, district.other_pair.teacher, district.school_admin):
        response = signed_in(outsider).get(reverse("waiting_open", args=[notification.pk]))
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert Notification.objects.get().read_at is None


def test_a_plan_change_waits_on_the_partner_until_they_look(pair):
    url = reverse("weekly_plan", args=[pair.pk])
    form = signed_in(pair.para).get(url).context["form"]
    data = {name: str(form[name].value() or "") for name in form.fields}
    signed_in(pair.para).post(url, {**data, "strategies": "Timer."})
    signed_in(pair.para).post(url, {**data, "version": "1", "strategies": "Timer, twice."})
    assert waiting_count(pair.teacher) == 1  # two saves, one thing to look at
    item = Notification.objects.get()
    assert item.week_of == monday_of(TODAY)
    signed_in(pair.teacher).get(url)
    assert waiting_count(pair.teacher) == 0


def test_work_due_within_a_week_or_overdue_waits_and_complete_work_does_not(pair):
    course = make_course("Stronger Together", modules=3)
    first, second, third = course.get_children().specific()
    Assignment.objects.create(user=pair.para, page=first, due_on=TODAY - datetime.timedelta(1))
    Assignment.objects.create(user=pair.para, page=second, due_on=TODAY + datetime.timedelta(5))
    Assignment.objects.create(user=pair.para, page=third, due_on=TODAY + datetime.timedelta(30))
    assert waiting_count(pair.para) == 2
    now = timezone.now()
    ModuleProgress.objects.create(user=pair.para, module=first, read_at=now, completed_at=now)
    assert waiting_count(pair.para) == 1
    page = signed_in(pair.para).get(reverse("my_learning")).content.decode()
    assert "What waits for you" in page and second.title in page
    assert 'aria-label="1 thing waits for you"' in page


def waiting_section(client, url) -> str:
    page = client.get(url).content.decode()
    return re.search(r'<section id="waiting".*?</section>', page, re.S).group(0)


def test_my_learning_and_my_pairs_list_the_same_work_waiting(pair):
    """My learning takes the work due soon from the assigned work it has already read;
    My pairs asks the database. Both lists are the same: due soon or overdue, by due
    date, the overdue marked, finished and far-off work left out."""
    course = make_course("Stronger Together", modules=4)
    done, overdue, soon, later = course.get_children().specific()
    for module, days in ((done, -2), (overdue, -1), (soon, 5), (later, 30)):
        Assignment.objects.create(
            user=pair.para, page=module, due_on=TODAY + datetime.timedelta(days)
        )
    now = timezone.now()
    ModuleProgress.objects.create(user=pair.para, module=done, read_at=now, completed_at=now)
    para = signed_in(pair.para)

    on_my_learning = waiting_section(para, reverse("my_learning"))
    assert on_my_learning == waiting_section(para, reverse("my_pairs"))
    titles = re.findall(r'<a href="[^"]+">([^<]+)</a>', on_my_learning)
    assert titles == [overdue.title, soon.title]
    assert on_my_learning.count("Overdue") == 1
    assert on_my_learning.index("Overdue") < on_my_learning.index(overdue.title)


def test_work_starts_to_wait_as_its_due_date_comes_near(pair, clock):
    """The count's SQL is kept from one request to the next: each day's is its own."""
    course = make_course("Stronger Together", modules=1)
    module = course.get_children().specific().get()
    Assignment.objects.create(user=pair.para, page=module, due_on=TODAY + datetime.timedelta(8))
    assert waiting_count(pair.para) == 0
    assert waiting_count(pair.teacher) == 0
    clock.move_to(clock.now() + datetime.timedelta(days=1))
    assert waiting_count(pair.para) == 1
    assert waiting_count(pair.teacher) == 0


@pytest.mark.parametrize("size", [1, 30])
def test_the_count_is_one_query_however_much_waits(pair, size, django_assert_num_queries):
    course = make_course("Stronger Together", modules=2)
    for module in course.get_children():
        Assignment.objects.create(user=pair.teacher, page=module, due_on=TODAY)
    for n in range(size):
        confirm(pair.para, an_action(pair, text=f"Action {n}."))
    with django_assert_num_queries(1):
        assert waiting_count(pair.teacher) == size + 2


@pytest.mark.parametrize("size", [1, 30])
def test_pages_cost_the_same_queries_however_much_waits(pair, size, django_assert_max_num_queries):
    for n in range(size):
        confirm(pair.para, an_action(pair, text=f"Action {n}."))
    teacher = signed_in(pair.teacher)
    with django_assert_max_num_queries(12):
        teacher.get(reverse("my_pairs"))


# Email ----------------------------------------------------------------------------


def prefer(user, choice):
    user.email_notifications = choice
    user.save(update_fields=["email_notifications"])


def test_no_email_when_the_person_chose_none(pair):
    prefer(pair.teacher, EmailNotifications.OFF)
    confirm(pair.para, an_action(pair))
    call_command("send_notification_summaries", stdout=io.StringIO())
    assert mail.outbox == []
    assert waiting_count(pair.teacher) == 1  # in the app all the same


def test_at_once_sends_one_email_without_student_text(pair, django_capture_on_commit_callbacks):
    prefer(pair.teacher, EmailNotifications.AT_ONCE)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(pair.para, an_action(pair))
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [pair.teacher.email]
    assert f"{pair.para.get_full_name()} confirmed an action on your checklist" in email.subject
    assert SECRET not in email.body and "J.M." not in email.body
    notification = Notification.objects.get()
    assert reverse("waiting_open", args=[notification.pk]) in email.body

    # The task run again, and the daily summary, send nothing more.
    assert send_notification_email.call(notification.pk) is False
    prefer(pair.teacher, EmailNotifications.DAILY)
    call_command("send_notification_summaries", stdout=io.StringIO())
    assert len(mail.outbox) == 1


def test_a_daily_summary_is_one_email_once(pair, django_capture_on_commit_callbacks):
    prefer(pair.teacher, EmailNotifications.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            confirm(pair.para, an_action(pair, text=f"Tally J.M.'s prompts, round {n}."))
    assert mail.outbox == []  # nothing at once

    call_command("send_notification_summaries", stdout=io.StringIO())
    call_command("send_notification_summaries", stdout=io.StringIO())

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "3 actions your partner confirmed wait for your part." in body
    assert "J.M." not in body and "Tally" not in body
    assert mail.outbox[0].subject.endswith("3 things wait for you")


def test_a_read_notification_is_not_in_the_summary(pair):
    prefer(pair.teacher, EmailNotifications.DAILY)
    confirm(pair.para, an_action(pair))
    Notification.objects.mark_read()
    call_command("send_notification_summaries", stdout=io.StringIO())
    assert mail.outbox == []
