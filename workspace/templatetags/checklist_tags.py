"""The workspace's tags: ``{% add_to_checklist page %}`` on a module page;
``{% action_item item %}`` and ``{% check_in_item check_in %}`` wherever the pair's
actions and check-ins are listed."""

from django import template
from django.db.models import Exists, OuterRef

from accounts.roles import PairRole
from config.database import ANOTHER_ID, ANY_ID, compiled_once
from config.html import day_text
from pairs.models import Pair
from pairs.scoping import pairs_of
from workspace import markup
from workspace.actions import ActionView
from workspace.models import PLAN_FIELDS, PairAction, WeeklyPlan
from workspace.plans import next_school_day

register = template.Library()


@register.inclusion_tag("workspace/tags/add_to_checklist.html", takes_context=True)
def add_to_checklist(context, page) -> dict:
    """A small form that puts the module's actions on one of the person's active
    pairs' checklists, for a day (tomorrow unless they pick another).

    Nothing is shown to someone with no active pair, or for a module without
    actions. With several pairs, each gets its own submit button (``formaction``),
    so choosing a pair needs no JavaScript. Two queries: the pairs, and the days
    without school that the default day skips.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not page.actions:
        return {"show": False}
    # Sorted here by partner, the name on each button.
    pairs = sorted(
        _pairs_with_module().instances(user.pk, page.pk),
        key=lambda pair: _name_key(pair.partner_of(user)),
    )
    if not pairs:
        return {"show": False}
    return {
        "show": True,
        "page": page,
        "choices": [
            {"pair": pair, "partner": pair.partner_of(user), "added": pair.added} for pair in pairs
        ],
        "next_school_day": next_school_day(pairs[0].today()),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@compiled_once(Pair)
def _pairs_with_module():
    """A person's active pairs, each with whether the module's actions are on its
    checklist, compiled once for anyone.

    The person's own pairs: narrower than ``pairs_for_user``, which adds an
    administrator's schools. Pair's default order would join the school in.
    """
    on_checklist = PairAction.objects.filter(pair=OuterRef("pk"), module=ANOTHER_ID)
    return (
        pairs_of(ANY_ID)
        .active()
        .order_by()
        .select_related("teacher", "para")
        .annotate(added=Exists(on_checklist))
    )


def _on_the_page(context) -> dict:
    """What markup with forms takes from the page: its pair, the request the
    forms send the person back to, and the CSRF token."""
    return {
        "pair": context["pair"],
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def action_item(context, item: ActionView, *, can_write: bool, role: PairRole | None):
    """``{% action_item item can_write=… role=… %}``: one action of the pair in the
    context, as ``role`` sees it (``workspace.markup``)."""
    return markup.action_item(item, role=role, can_write=can_write, **_on_the_page(context))


@register.simple_tag(takes_context=True)
def measure_block(context, measure, today_value, *, can_write: bool):
    """``{% measure_block measure today_value can_write=… %}``: one measure of the
    pair in the context, with its buttons for a partner who may write
    (``workspace.markup``)."""
    return markup.measure_block(measure, today_value, can_write=can_write, **_on_the_page(context))


@register.simple_tag
def check_in_item(check_in):
    """``{% check_in_item check_in %}``: a check-in in the log (``workspace.markup``)."""
    return markup.check_in_item(check_in)


def _name_key(person) -> tuple[str, str, int]:
    return (person.last_name.casefold(), person.first_name.casefold(), person.pk)


@register.filter(name="day_text")
def day_text_filter(day, format_name: str = "DATE_FORMAT") -> str:
    """``{{ day|day_text:"MONTH_DAY_FORMAT" }}``: as ``|date`` writes a day, kept
    once written (``config.html.day_text``)."""
    return day_text(day, format_name)


@register.filter
def plan_items(plan) -> list[tuple[str, str]]:
    """``(label, text)`` for each field of the planning template, in its order."""
    return [
        (WeeklyPlan._meta.get_field(name).verbose_name.capitalize(), getattr(plan, name))
        for name in PLAN_FIELDS
    ]


@register.filter
def partner_label(role: str) -> str:
    """The partner in ``role`` as a sentence names them: "para" or "special educator"."""
    return PairRole(role).in_a_sentence if role in PairRole.values else ""


@register.filter
def waiting_on(health, role: str) -> int:
    """``{{ health|waiting_on:role }}``: actions past their day still needing ``role``."""
    return health.waiting_on(role)
