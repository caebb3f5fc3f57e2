"""Which language Tandem speaks to a person.

On a page: the language the person chose on their account page; before sign-in
(or with no choice made), Django's ``LocaleMiddleware`` picks it from the
language cookie the switch sets, else the browser's ``Accept-Language``.
In an email or a PDF made away from the person's own request (a reminder, a
digest, a certificate someone else downloads): the recipient's language, never
the language of whoever or whatever caused it to be sent.
"""

from contextlib import AbstractContextManager

from django.conf import settings
from django.utils import translation


def default_language() -> str:
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


def language_of(person) -> str:
    """The language to use with ``person``: their choice, else the site's default."""
    return getattr(person, "language", "") or default_language()


def in_language_of(person) -> AbstractContextManager:
    """``with in_language_of(user): ...`` renders text (an email, a PDF) in their language."""
    return translation.override(language_of(person))


class PersonLanguageMiddleware:
    """A signed-in person's chosen language wins over what the browser asks for.

    Sits after ``AuthenticationMiddleware`` (it needs the person) and after
    ``LocaleMiddleware`` (whose pick it overrides). ``request.user`` is lazy: a
    request without a session cookie costs no query here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
