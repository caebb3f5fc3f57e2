"""A person's private calendar feed: what they have still to complete by when, and
their pair's weekly planning, for a calendar app to subscribe to.

Calendar apps cannot sign in, so the feed is opened by a secret in its URL. Only a
SHA-256 hash of the secret is stored (as ``accounts.setup_links`` does); the person
sees the URL once, can make a new one (the old stops working) or turn the feed off.

Nothing about students goes in: titles name a course or module and the partner,
never an assignment's note, a plan's initials or a check-in's notes.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration, vRecur

from accounts.language import in_language_of
from courses.my_learning import my_learning
from hours.models import CalendarFeed
from pairs.scoping import pairs_of
from workspace.plans import monday_of

PRODUCT_ID = "-//Tandem//Calendar feed//EN"
# How often a calendar app should fetch the feed again (REFRESH-INTERVAL).
REFRESH_INTERVAL = datetime.timedelta(hours=6)
ONE_DAY = datetime.timedelta(days=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(person) -> str:
    """A new secret for ``person``'s feed; the earlier one stops working."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            person=person,
            defaults={"token_hash": _hash(token), "created_at": timezone.now()},
        )
    return token


def turn_off(person) -> None:
    CalendarFeed.objects.filter(person=person).delete()


def person_for(token: str):
    """The active person whose feed this secret opens, or None."""
    feed = (
        CalendarFeed.objects.select_related("person")
        .filter(token_hash=_hash(token), person__is_active=True)
        .first()
    )
    return feed.person if feed else None


def _partner_name(partner) -> str:
    return partner.get_full_name() or partner.username


def _due_events(person, today: datetime.date, stamp: datetime.datetime) -> list[Event]:
    """One all-day event per assigned course or module not yet completed, on its due date."""
    return [
        Event.new(
            uid=f"assignment-{item.assignment.pk}@tandem",
            summary=_("Due: %(title)s") % {"title": item.title},
            start=item.assignment.due_on,
            end=item.assignment.due_on + ONE_DAY,
            stamp=stamp,
            transparency="TRANSPARENT",
        )
        for item in my_learning(person, today).assigned
    ]


def _planning_events(person, stamp: datetime.datetime) -> list[Event]:
    """The weekly planning of each of the person's current pairs, repeating weekly.

    A pair's plan is kept per week, from Monday (``workspace.WeeklyPlan``); no day
    or time of the meeting itself is recorded, so the event is an all-day one on
    the Monday of each week, from the week the pair started.
    """
    events = []
    for pair in pairs_of(person).active().select_related("teacher", "para"):
        first_monday = monday_of(pair.started_on)
        event = Event.new(
            uid=f"pair-{pair.pk}-weekly-planning@tandem",
            summary=_("Weekly planning with %(partner)s")
            % {"partner": _partner_name(pair.partner_of(person))},
            start=first_monday,
            end=first_monday + ONE_DAY,
            stamp=stamp,
            transparency="TRANSPARENT",
        )
        event.add("rrule", vRecur(freq="WEEKLY"))
        events.append(event)
    return events


def feed_for(person, today: datetime.date | None = None) -> bytes:
    """The person's calendar as iCalendar text. Every event is a whole day, so no
    time zone is needed; the time stamps are in UTC."""
    today = today or timezone.localdate()
    stamp = timezone.now().astimezone(datetime.UTC)
    # A calendar app fetches the feed without the person's session: their own choice
    # of language names the events, not whatever the app's request asks for.
    with in_language_of(person):
        events = [*_due_events(person, today, stamp), *_planning_events(person, stamp)]
    calendar = Calendar.new(
        prodid=PRODUCT_ID,
        # The same on every fetch, so an app sees one calendar, not a new one each time.
        uid=f"calendar-{person.pk}@tandem",
        name="Tandem",
        refresh_interval=REFRESH_INTERVAL,
        subcomponents=events,
    )
    # RFC 7986 requires the value type to be named on REFRESH-INTERVAL.
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    # The older spelling of the refresh interval, which Outlook reads.
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    return calendar.to_ical()
