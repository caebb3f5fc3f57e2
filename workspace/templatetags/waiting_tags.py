"""What waits on the person signed in: ``{% waiting_count %}`` in the header of every
page, ``{% waiting_list learning.assigned %}`` on My learning (My pairs has it from its view).

Template tags, so that pages of other apps show it without importing this one.
"""

from django import template

from workspace.waiting import waiting_count as count_waiting
from workspace.waiting import waiting_items

register = template.Library()


def _learner(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.role:
        return None
    return user


@register.inclusion_tag("workspace/tags/waiting_count.html", takes_context=True)
def waiting_count(context) -> dict:
    """One query, on every page a para or teacher opens."""
    user = _learner(context)
    return {"count": count_waiting(user) if user else None}


@register.inclusion_tag("workspace/includes/waiting_list.html", takes_context=True)
def waiting_list(context, assigned=None) -> dict:
    """``assigned``: the person's unfinished assigned work, when the page has it."""
    user = _learner(context)
    if user is None:
        return {"waiting": [], "show": False}
    waiting = waiting_items(user, assigned=assigned, request=context.get("request"))
    return {"waiting": waiting, "show": True}
