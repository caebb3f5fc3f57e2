"""Hours shown on pages other apps own, without those apps importing hours: My
learning (``courses``) and the pair's check-in log (``workspace``) each include
one template that loads these tags."""

from __future__ import annotations

from django import template
from django.utils import timezone

from hours.compliance import standings_of
from hours.confirming import awaiting_confirmation
from workspace.access import write_refusal

register = template.Library()


@register.inclusion_tag("hours/includes/my_learning_hours.html", takes_context=True)
def my_pd_hours(context) -> dict:
    """The signed-in person's progress toward the hours their district's rules require."""
    user = context["request"].user
    return {"compliance": standings_of(user, timezone.localdate())}


@register.inclusion_tag("hours/includes/check_ins_to_confirm.html", takes_context=True)
def check_ins_to_confirm(context, pair) -> dict:
    """The pair's check-ins the signed-in partner has still to confirm."""
    user = context["request"].user
    if write_refusal(pair, user):
        return {"awaiting": []}
    return {"awaiting": list(awaiting_confirmation(pair, user)[:20])}
