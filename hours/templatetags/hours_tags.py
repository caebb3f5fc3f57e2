"""Hours shown on pages other apps own, without those apps importing hours: My
learning (``courses``) and the pair's check-in log (``workspace``) each include
one template that loads these tags; and a person's standing under one rule, on
My learning and My hours."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from config.html import day_text, joined, sentence
from config.reversing import url_of
from hours.compliance import BEHIND, MET, Standing, standings_of
from hours.confirming import awaiting_confirmation
from workspace.access import write_refusal

register = template.Library()


@register.inclusion_tag("hours/includes/my_learning_hours.html", takes_context=True)
def my_pd_hours(context) -> dict:
    """The signed-in person's progress toward the hours their district's rules require."""
    user = context["request"].user
    return {"compliance": standings_of(user, timezone.localdate())}


@register.simple_tag(takes_context=True)
def check_ins_to_confirm(context, pair) -> SafeString | str:
    """The pair's check-ins the signed-in partner has still to confirm, each with
    its link to confirm it; nothing when none wait.

    Built here rather than in a template: through ``blocktranslate``, each
    check-in's sentence (its kind, day and minutes) cost about 0.2 ms on the
    benchmark machine, as much as the rest of the list.
    """
    user = context["request"].user
    if write_refusal(pair, user):
        return ""
    awaiting = awaiting_confirmation(pair, user, up_to=20)
    if not awaiting:
        return ""
    confirm = gettext("Confirm")
    items = joined(
        format_html(
            '<li class="item-row">{} <a href="{}">{}</a></li>',
            sentence(
                ngettext(
                    "%(kind)s on %(day)s · %(counter)s minute",
                    "%(kind)s on %(day)s · %(counter)s minutes",
                    check_in.minutes,
                ),
                kind=check_in.get_kind_display(),
                day=day_text(check_in.happened_on),
                counter=check_in.minutes,
            ),
            url_of("hours:confirm_check_in", check_in.pk),
            confirm,
        )
        for check_in in awaiting
    )
    return format_html(
        '<div class="learning-section"><h3>{}</h3><p class="muted">{}</p>'
        '<ul class="list-plain">{}</ul></div>',
        gettext("Check-ins to confirm"),
        gettext(
            "Your partner logged these. Once you confirm one, its minutes count as PD time "
            "for you both."
        ),
        items,
    )


STATUS_CLASSES = {MET: "status status--done", BEHIND: "status status--overdue"}


@register.simple_tag
def standing_summary(standing: Standing, *, prefix: str, number: int) -> SafeString:
    """``{% standing_summary standing prefix="mine" number=forloop.counter %}``: where
    a person stands under one rule, with a progress bar (``hours-<prefix>-<number>``
    on the page, for its label) and the hours from each source.

    Built here rather than in a template: a person follows up to four rules, and
    as an included template each standing cost about 1.4 ms on the benchmark
    machine (a dozen translated sentences with hours and dates), a quarter of My
    learning's template. ``config.html`` builds the sentences as
    ``blocktranslate`` would, from the same message ids.
    """
    heading = format_html("<h3>{}</h3>", standing.rule.name)
    if not standing.period:
        return format_html(
            '<div class="item-row">{}<p><span class="status">{}</span> {}</p></div>',
            heading,
            standing.label,
            gettext("Your administrator has still to record the date this rule counts from."),
        )
    start, end = standing.period
    progress_id = f"hours-{prefix}-{number}"
    status = format_html(
        '<p><span class="{}">{}</span> {}</p>',
        STATUS_CLASSES.get(standing.status, "status"),
        standing.label,
        sentence(
            gettext("%(credited)s of %(required)s hours, %(start)s to %(end)s"),
            credited=standing.credited_hours,
            required=standing.required_hours,
            start=date_format(start),
            end=date_format(end),
        ),
    )
    progress = format_html(
        '<label class="muted" for="{}">{}</label>'
        '<progress id="{}" max="100" value="{}">{}%</progress>',
        progress_id,
        sentence(gettext("Progress toward %(required)s hours"), required=standing.required_hours),
        progress_id,
        standing.percent,
        standing.percent,
    )
    sources = format_html(
        "<ul>{}</ul>",
        format_html_join("", "<li>{}</li>", ((_source(*hours),) for hours in standing.by_source)),
    )
    deadline = ""
    if standing.next_deadline:
        name, day = standing.next_deadline
        deadline = format_html(
            "<p>{}</p>",
            sentence(gettext("Next deadline: %(name)s, %(day)s"), name=name, day=date_format(day)),
        )
    return format_html(
        '<div class="item-row">{}</div>', joined((heading, status, progress, sources, deadline))
    )


def _source(label: str, earned, credited) -> SafeString:
    """The hours one source gave, and what the rule counts of them if it caps them."""
    line = sentence(gettext("%(label)s: %(credited)s hours"), label=label, credited=credited)
    if earned == credited:
        return line
    return format_html(
        '{} <span class="muted">({})</span>',
        line,
        sentence(
            gettext("%(earned)s earned; the rule counts up to %(credited)s"),
            earned=earned,
            credited=credited,
        ),
    )
