"""The daily ``send_reminders`` command on a fixed clock: due-soon and overdue emails
to learners and the administrators' weekly digest, each sent once, a failed send
retried on the next run."""

import datetime
import io

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from wagtail.models import Site

from courses.models import Assignment, ModuleProgress, ReminderLog
from reporting.models import AdminDigest
from tests.page_factories import make_course

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 12, 10)  # a Thursday


def day(offset: int) -> datetime.date:
    return DUE + datetime.timedelta(days=offset)


def run(on: datetime.date) -> list:
    """Run the command as if it were ``on``; the emails it sent."""
    before = len(mail.outbox)
    call_command("send_reminders", "--today", on.isoformat(), stdout=io.StringIO())
    return mail.outbox[before:]


def sent(messages, start: str) -> set[str]:
    return {m.to[0] for m in messages if start in m.subject}


@pytest.fixture
def work(district, clock):
    """Work assigned two weeks before it is due: past the week in which a
    newly-assigned notice is retried, so each run below owes only reminders."""
    now = clock.move_to(day(-14))
    course = make_course("Stronger Together", modules=2)
    first = course.modules()[0]
    for module in course.modules():
        ModuleProgress.objects.create(
            user=district.teacher, module=module, read_at=now, completed_at=now
        )
    return {
        "para": Assignment.objects.create(user=district.para, page=course, due_on=DUE),
        # Complete: no reminders, ever.
        "teacher": Assignment.objects.create(user=district.teacher, page=course, due_on=DUE),
        "other": Assignment.objects.create(user=district.other_pair.para, page=first, due_on=DUE),
    }


def test_each_reminder_goes_out_once_across_the_days(district, work):
    para, other = district.para.email, district.other_pair.para.email
    learners = {para, other, district.teacher.email}

    def reminders(offset: int) -> list:
        return [m for m in run(day(offset)) if m.to[0] in learners]

    assert reminders(-5) == []
    due_soon = reminders(-3)
    assert sent(due_soon, "Due soon") == {para, other} and len(due_soon) == 2
    assert "Stronger Together" in next(m.body for m in due_soon if m.to[0] == para)
    assert reminders(-3) == []  # the same day again
    assert reminders(-2) == [] and reminders(0) == []
    overdue = reminders(1)
    assert sent(overdue, "Overdue") == {para, other} and len(overdue) == 2
    assert reminders(1) == [] and reminders(2) == [] and reminders(9) == []
    # The teacher's course is complete: nothing, ever.
    assert district.teacher.email not in {m.to[0] for m in mail.outbox}


def test_the_weekly_digest_goes_once_a_week_to_each_administrator(district, work):
    admins = {
        district.school_admin.email,
        district.other_school_admin.email,
        district.district_admin.email,
    }
    # Saturday 5 December is the first run of its week: the digest goes then.
    assert sent(run(day(-5)), "Your weekly digest") == admins
    assert sent(run(day(-4)), "Your weekly digest") == set()
    # Monday 7 December starts a new week.
    assert sent(run(day(-3)), "Your weekly digest") == admins
    assert sent(run(day(-3)), "Your weekly digest") == set()
    assert AdminDigest.objects.count() == 6


def test_each_administrator_reads_only_their_schools_in_the_digest(district, work):
    messages = run(day(4))  # Monday 14 December: both learners overdue
    digest = {m.to[0]: m.body for m in messages if "Your weekly digest" in m.subject}
    maple = digest[district.school_admin.email]
    assert str(district.para) in maple and str(district.other_pair.para) in maple
    assert "2 overdue assignments" in maple
    assert str(district.far_pair) not in maple
    riverside = digest[district.other_school_admin.email]
    assert "0 overdue assignments" in riverside
    assert str(district.para) not in riverside
    assert str(district.far_pair) in riverside  # no check-in, no plan: needs attention


def test_a_failed_send_is_retried_and_does_not_stop_the_others(district, work, monkeypatch):
    para = district.para.email
    send_messages = EmailBackend.send_messages

    def refuse_the_para(self, messages):
        if any(para in message.to for message in messages):
            raise ConnectionRefusedError("The mail server hung up.")
        return send_messages(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_the_para)
    before = len(mail.outbox)
    with pytest.raises(CommandError, match="1 emails could not be sent"):
        call_command("send_reminders", "--today", day(-3).isoformat(), stdout=io.StringIO())
    assert sent(mail.outbox[before:], "Due soon") == {district.other_pair.para.email}
    assert not ReminderLog.objects.filter(assignment=work["para"]).exists()

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    assert sent(run(day(-2)), "Due soon") == {para}
    assert sent(run(day(-1)), "Due soon") == set()


def test_a_moved_due_date_earns_fresh_reminders(district, work):
    assert sent(run(day(1)), "Overdue") == {district.para.email, district.other_pair.para.email}
    Assignment.objects.filter(pk=work["para"].pk).update(due_on=day(20))
    assert sent(run(day(18)), "Due soon") == {district.para.email}
    assert sent(run(day(21)), "Overdue") == {district.para.email}


def test_completing_the_work_stops_the_reminders(district, work, clock):
    now = clock.move_to(day(-4))
    for module in work["para"].page.specific.modules():
        ModuleProgress.objects.create(
            user=district.para, module=module, read_at=now, completed_at=now
        )
    assert district.para.email not in {m.to[0] for m in run(day(-3)) + run(day(1))}


def test_a_dry_run_lists_what_would_go_out_and_sends_and_records_nothing(district, work):
    out = io.StringIO()
    call_command("send_reminders", "--today", day(-3).isoformat(), "--dry-run", stdout=out)
    listing = out.getvalue()
    assert f"Due soon: {district.para.email}: Stronger Together, due 2026-12-10" in listing
    assert f"Weekly digest: {district.school_admin.email}" in listing
    assert "nothing was sent or recorded" in listing
    assert mail.outbox == []
    assert not ReminderLog.objects.exists() and not AdminDigest.objects.exists()
    # The real run then sends exactly what was listed.
    listed = {line.split(": ")[1] for line in listing.splitlines() if line.count(": ") >= 2}
    assert {message.to[0] for message in run(day(-3))} == listed


def test_links_in_emails_lead_to_the_base_url_setting(district, work, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://pd.lakeview.example"
    (due_soon,) = [m for m in run(day(-3)) if m.to[0] == district.para.email]
    assert "https://pd.lakeview.example/" in due_soon.body
    assert "testserver" not in due_soon.body


def test_without_the_setting_links_lead_to_the_default_site(district, work, settings):
    settings.WAGTAILADMIN_BASE_URL = ""
    Site.objects.filter(is_default_site=True).update(hostname="pd.riverside.example", port=8080)
    (due_soon,) = [m for m in run(day(-3)) if m.to[0] == district.para.email]
    assert "http://pd.riverside.example:8080/" in due_soon.body
