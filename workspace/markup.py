"""The workspace's most repeated markup, built as HTML in Python: an action on the
checklist, a check-in in the log, and a measure with its buttons.

Each appears up to 30 times on the pair page, the checklist or the log. As an
included template an action cost about 1.4 ms to render on the benchmark machine
(some 40 nodes, half a dozen ``blocktranslate`` and date filters each), a check-in
0.4 ms; built here each costs half of that or less (README, Performance). The
sentences are the templates' own message ids, so the translations carried over,
and every value is escaped as the template engine would escape it.
"""

from __future__ import annotations

import datetime

from django.forms.utils import flatatt
from django.http import HttpRequest
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from accounts.roles import PairRole
from config.html import day_text, joined, sentence
from config.reversing import url_of
from content.markdown import prose_html
from pairs.models import Pair
from workspace.actions import ActionView
from workspace.models import ActionWho, CheckIn, Measure, PairAction


def action_item(
    item: ActionView,
    *,
    pair: Pair,
    role: PairRole | None,
    can_write: bool,
    request: HttpRequest,
    csrf_token: str | None,
) -> SafeString:
    """The ``<li>`` for ``item``, as ``role`` (None for an administrator) sees it.

    Its forms send the person back to this item on the page ``request`` asked for.
    """
    action = item.action
    # Wagtail's ``{% pageurl %}`` asks the page the same way.
    module_url = action.module.get_url(request) if action.module_id else None
    classes = "action-item action-item--waiting" if item.waiting else "action-item"
    parts = [
        _text(action),
        format_html('<p class="muted">{}</p>', _origin(action, module_url)),
        format_html("<p>{}</p>", _status(item, role)),
        format_html(
            '<ul class="keys">{}</ul>',
            format_html_join("", "<li>{}</li>", ((_key(key),) for key in item.keys)),
        ),
        _look_fors(action),
        _latest_look(action),
        _measure_link(action, pair),
        _record(action),
    ]
    if can_write:
        parts.append(_controls(item, pair, request.get_full_path(), csrf_token))
    return format_html('<li class="{}" id="action-{}">{}</li>', classes, action.pk, joined(parts))


def check_in_item(check_in: CheckIn) -> SafeString:
    """The ``<li>`` for a check-in or planning meeting: its day and minutes, who
    logged it and when, and its note."""
    created_at = timezone.localtime(check_in.created_at)
    author = check_in.author
    summary = sentence(
        ngettext(
            "on %(weekday)s, %(day)s · %(counter)s minute · logged by %(author)s on "
            "%(logged_day)s at %(logged_time)s",
            "on %(weekday)s, %(day)s · %(counter)s minutes · logged by %(author)s on "
            "%(logged_day)s at %(logged_time)s",
            check_in.minutes,
        ),
        weekday=_weekday(check_in.happened_on, long=True),
        day=day_text(check_in.happened_on),
        counter=check_in.minutes,
        author=str(author) if author else gettext("someone no longer here"),
        logged_day=_day(created_at.date()),
        logged_time=time_format(created_at),
    )
    return format_html(
        '<li class="item-row"><p><strong>{}</strong> {}</p>{}</li>',
        check_in.get_kind_display(),
        summary,
        prose_html(check_in.note) if check_in.note else "",
    )


def _weekday(value: datetime.date, *, long: bool = False) -> str:
    return day_text(value, "l" if long else "D")


def _day(value: datetime.date) -> str:
    return day_text(value, "MONTH_DAY_FORMAT")


def _text(action: PairAction) -> SafeString:
    language = getattr(action, "other_language", None)
    return format_html(
        '<p class="action-item__text"{}>{}</p>',
        format_html(' lang="{}"', language) if language else "",
        linebreaksbr(action.text, autoescape=True),
    )


def _origin(action: PairAction, module_url: str | None) -> SafeString:
    """Who does it, on what day, and where it came from."""
    planned = format_html(
        "{} · {}, {}",
        ActionWho(action.who).label,
        _weekday(action.planned_for),
        _day(action.planned_for),
    )
    if action.module_id:
        source = sentence(
            gettext('from <a href="%(module_url)s">%(title)s</a>'),
            module_url=module_url,
            title=action.module.title,
        )
    elif not action.block_id:
        source = gettext("your own action")
    else:
        return planned
    return format_html("{} · {}", planned, source)


def _status(item: ActionView, role: PairRole | None) -> SafeString:
    if item.action.is_done:
        return format_html('<span class="status status--done">{}</span>', gettext("Done"))
    if not item.waiting:
        return format_html('<span class="status status--progress">{}</span>', gettext("Planned"))
    if item.waiting_on_you:
        explanation = format_html(
            "<strong>{}</strong> {}",
            gettext("Waiting on you:"),
            gettext(
                "the day has passed. If you tried it, mark your part below; your partner has "
                "theirs to mark too."
            )
            if item.waiting_on_partner
            else gettext("the day has passed. If you tried it, mark your part below."),
        )
    elif role:
        explanation = gettext(
            "Waiting on your partner: the day has passed and your part is in. A friendly "
            "reminder when you next meet helps."
        )
    else:
        labels = [PairRole(missing).in_a_sentence for missing in item.missing]
        if len(labels) > 1:
            explanation = sentence(
                gettext("Waiting on the %(first)s and the %(second)s."),
                first=labels[0],
                second=labels[1],
            )
        else:
            explanation = sentence(gettext("Waiting on the %(first)s."), first=labels[0])
    return format_html(
        '<span class="status status--waiting">{}</span> {}', gettext("Waiting"), explanation
    )


def _key(key) -> SafeString:
    if key.turned_at:
        turned_on = timezone.localdate(key.turned_at)
        turned = sentence(
            gettext("did their part %(weekday)s, %(day)s"),
            weekday=_weekday(turned_on),
            day=_day(turned_on),
        )
    else:
        turned = gettext("not yet")
    return format_html("{} ({}): {}", key.role.label, key.partner, turned)


def _look_fors(action: PairAction) -> SafeString | str:
    if not action.look_fors:
        return ""
    return format_html(
        '<details class="look-fors"><summary>{}</summary><ol>{}</ol></details>',
        gettext("What doing it well looks like"),
        format_html_join("", "<li>{}</li>", ((step,) for step in action.look_fors)),
    )


def _latest_look(action: PairAction) -> SafeString | str:
    """The teacher's latest look at the action, with what she saw and said."""
    check = getattr(action, "latest_look", None)
    if check is None:
        return ""
    observer = check.observer.get_full_name()
    if check.try_again:
        heading = (
            sentence(gettext("%(name)s asked for another try"), name=observer)
            if observer
            else gettext("The special educator asked for another try")
        )
    else:
        heading = (
            sentence(gettext("Feedback from %(name)s"), name=observer)
            if observer
            else gettext("Feedback from the special educator")
        )
    at = timezone.localtime(check.at)
    when = sentence(
        gettext("%(weekday)s, %(day)s at %(time)s"),
        weekday=_weekday(at.date()),
        day=_day(at.date()),
        time=time_format(at),
    )
    if check.total:
        seen = sentence(
            ngettext(
                "saw %(seen)s of %(counter)s look-for",
                "saw %(seen)s of %(counter)s look-fors",
                check.total,
            ),
            seen=len(check.seen),
            counter=check.total,
        )
        when = format_html("{} · {}", when, seen)
    feedback = (
        format_html('<p class="feedback__line">“{}”</p>', check.feedback) if check.feedback else ""
    )
    return format_html(
        '<div class="feedback" id="feedback-{}"><p><strong>{}</strong>, {}</p>{}</div>',
        action.pk,
        heading,
        when,
        feedback,
    )


def _measure(action: PairAction):
    """The measure the action keeps, or None (``measure`` is the reverse of a
    one-to-one, loaded with the action)."""
    return getattr(action, "measure", None)


def _measure_link(action: PairAction, pair: Pair) -> SafeString | str:
    measure = _measure(action)
    if measure is None:
        return ""
    return format_html(
        '<p><a href="{}#measure-{}">{}</a></p>',
        url_of("pair_detail", pair.pk),
        measure.pk,
        sentence(
            gettext("Record today: %(student)s, %(what)s"),
            student=measure.student,
            what=measure.what,
        ),
    )


def _record(action: PairAction) -> SafeString | str:
    """What happened, for an action that asks the pair to write it down."""
    if not action.records_data:
        return ""
    if not (action.outcome or action.note):
        return format_html(
            '<p class="muted">{}</p>',
            gettext("This action asks you to note what happened and whether it helped."),
        )
    parts = []
    if action.outcome:
        parts.append(format_html("<p><strong>{}.</strong></p>", action.get_outcome_display()))
    if action.note:
        parts.append(prose_html(action.note))
    if action.noted_at:
        noted_at = timezone.localtime(action.noted_at)
        author = str(action.noted_by) if action.noted_by else gettext("someone no longer here")
        parts.append(
            format_html(
                '<p class="muted">{}</p>',
                sentence(
                    gettext("Written by %(name)s on %(weekday)s, %(day)s at %(time)s"),
                    name=author,
                    weekday=_weekday(noted_at.date(), long=True),
                    day=_day(noted_at.date()),
                    time=time_format(noted_at),
                ),
            )
        )
    return format_html('<div class="action-record">{}</div>', joined(parts))


def _controls(item: ActionView, pair: Pair, next_path: str, csrf_token: str | None) -> SafeString:
    """What a partner who may write can do with the action from here."""
    action = item.action
    arguments = [pair.pk, action.pk]
    back = f"{next_path}#action-{action.pk}"
    controls = []
    if item.yours_to_confirm:
        if item.you_confirmed:
            controls.append(
                _form(
                    url_of("pair_action_undo", *arguments),
                    csrf_token,
                    {"next": back},
                    format_html(
                        '<button type="submit" class="link-button">{}</button>',
                        gettext("Undo: I have not done my part yet"),
                    ),
                )
            )
        else:
            controls.append(
                _form(
                    url_of("pair_action_confirm", *arguments),
                    csrf_token,
                    {"confirmed": "1", "next": back},
                    format_html('<button type="submit">{}</button>', gettext("I did my part")),
                )
            )
    if _measure(action) is None:
        controls.append(_link("pair_action_measure", arguments, gettext("Keep a measure on it")))
    if item.coachable:
        controls.append(
            _link("pair_action_coach", arguments, gettext("Confirm with what you saw"), "button")
        )
    if action.records_data:
        written = action.outcome or action.note
        controls.append(
            _link(
                "pair_action_record",
                arguments,
                gettext("Change what happened") if written else gettext("Write what happened"),
            )
        )
    # Spaced as words, so they read apart without the page's styles too.
    return format_html('<div class="form__actions">{}</div>', joined(controls, " "))


def _link(view: str, arguments: list, text: str, classes: str = "") -> SafeString:
    attributes = format_html(' class="{}"', classes) if classes else ""
    return format_html('<a{} href="{}">{}</a>', attributes, url_of(view, *arguments), text)


def _form(
    url: str,
    csrf_token: str | None,
    fields: dict[str, str],
    button: SafeString,
    *,
    attributes: dict | None = None,
):
    """A form posting ``fields`` with its ``button`` (or buttons), with the CSRF
    token as ``{% csrf_token %}`` puts it; an inline form unless ``attributes``
    give it another class."""
    # Django's stand-in when no CSRF middleware made a token: the tag writes nothing.
    has_token = csrf_token and str(csrf_token) != "NOTPROVIDED"
    hidden = [("csrfmiddlewaretoken", csrf_token)] if has_token else []
    hidden += fields.items()
    return format_html(
        '<form method="post" action="{}"{}>{}{}</form>',
        url,
        flatatt(attributes or {"class": "inline-form"}),
        format_html_join("", '<input type="hidden" name="{}" value="{}">', hidden),
        button,
    )


def measure_today(measure: Measure, today_value: int | None) -> str:
    """Today's value of ``measure`` in words ("3 times today"), as the page shows
    it and as its script shows it after a tap."""
    if measure.kind == Measure.Kind.YES_NO:
        if today_value is None:
            return gettext("Not recorded today")
        return gettext("Yes today") if today_value else gettext("No today")
    counter = today_value or 0
    if measure.kind == Measure.Kind.MINUTES:
        message = ngettext("%(counter)s minute today", "%(counter)s minutes today", counter)
    else:
        message = ngettext("%(counter)s time today", "%(counter)s times today", counter)
    return sentence(message, counter=counter)


def measure_block(
    measure: Measure,
    today_value: int | None,
    *,
    pair: Pair,
    can_write: bool,
    request: HttpRequest,
    csrf_token: str | None,
) -> SafeString:
    """One measure on an action, with today's value and, for a partner who may
    write, the buttons that change it."""
    heading = format_html(
        '<p><strong>{}: {}</strong> <span class="muted">({})</span></p>',
        measure.student,
        measure.what,
        measure.get_kind_display().lower(),
    )
    form = ""
    if can_write:
        today = format_html(
            '<output class="measure__value" aria-live="polite">{}</output>',
            measure_today(measure, today_value),
        )
        if measure.kind == Measure.Kind.YES_NO:
            buttons = format_html(
                '<span>{}</span> <button type="submit" name="value" value="1">{}</button>'
                ' <button type="submit" name="value" value="0" class="button--secondary">{}'
                "</button> {}",
                gettext("Today:"),
                gettext("Yes"),
                gettext("No"),
                today,
            )
        else:
            buttons = format_html(
                '<button type="submit" name="step" value="-1" class="button--secondary"'
                ' aria-label="{}">−</button> {} <button type="submit" name="step" value="1"'
                ' aria-label="{}">+</button>',
                gettext("One less today"),
                today,
                gettext("One more today"),
            )
        form = _form(
            url_of("pair_measure_record", pair.pk, measure.pk),
            csrf_token,
            {"next": f"{request.get_full_path()}#measure-{measure.pk}"},
            buttons,
            attributes={"class": "measure__form", "data-measure": True},
        )
    return format_html('<div class="measure" id="measure-{}">{}{}</div>', measure.pk, heading, form)
