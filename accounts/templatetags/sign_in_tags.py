from django import template

from accounts.social import is_switched_on as provider_is_switched_on
from accounts.social import provider_name as name_of_provider

register = template.Library()


@register.filter
def provider_name(account) -> str:
    """A connected account's provider, by name, also once it is switched off."""
    return name_of_provider(account)


@register.filter
def is_switched_on(account) -> bool:
    return provider_is_switched_on(account)
