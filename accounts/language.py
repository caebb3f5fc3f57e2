"""Which language Tandem speaks to a person.

On a page: the language the person chose on their account page; before sign-in
(or with no choice made), Django's ``LocaleMiddleware`` (as
``BrowserLanguageMiddleware``) picks it from the language cookie the switch
sets, else the browser's ``Accept-Language``.
In an email or a PDF made away from the person's own request (a reminder, a
digest, a certificate someone else downloads): the recipient's language, never
the language of whoever or whatever caused it to be sent.
"""

from contextlib import AbstractContextManager

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


def default_language() -> str:
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


def language_of(person) -> str:
    """The language to use with ``person``: their choice, else the site's default."""
    return getattr(person, "language", "") or default_language()


def in_language_of(person) -> AbstractContextManager:
    """``with in_language_of(user): ...`` renders text (an email, a PDF) in their language."""
    return translation.override(language_of(person))


class BrowserLanguageMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware`` (the language cookie, else ``Accept-Language``)
    for URLs that carry no language prefix, as Tandem's do.

    Django's looks for a language in the path on the way in and again on the way
    out, and only uses what it finds when the URLconf has ``i18n_patterns``
    (https://github.com/django/django/blob/5.2.19/django/middleware/locale.py):
    about 9 µs of every request here. With ``i18n_patterns`` Django's own code runs.
    """

    @staticmethod
    def prefixes_language(request) -> bool:
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        return is_language_prefix_patterns_used(urlconf)[0]

    def process_request(self, request):
        if self.prefixes_language(request):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if self.prefixes_language(request):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class PersonLanguageMiddleware:
    """A signed-in person's chosen language wins over what the browser asks for.

    Sits after ``AuthenticationMiddleware`` (it needs the person) and after
    ``BrowserLanguageMiddleware`` (whose pick it overrides). ``request.user`` is lazy: a
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


def remember_language_at_sign_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: a person who has not chosen a language keeps the one the
    sign-in was served in (the browser's, or the switch's), so what is sent while
    they are away (an assignment, a reminder, a partner's notification) speaks it
    too. My account and the switch change it like any choice."""
    served_in = getattr(request, "LANGUAGE_CODE", "")
    if user.language or served_in not in dict(settings.LANGUAGES):
        return
    user.language = served_in
    user.save(update_fields=["language"])


# One source of truth for the admin's language too: Wagtail reads its own
# ``UserProfile.preferred_language`` (wagtail.admin.localization.get_localized_response),
# and its account page lets a person change it. Each is kept equal to ``User.language``,
# whichever of the two pages the person changed it on.


def admin_language_follows_person(sender, instance, update_fields=None, **kwargs) -> None:
    """``post_save`` of the user: Wagtail's profile takes the person's language."""
    if update_fields is not None and "language" not in update_fields:
        return
    from wagtail.users.models import UserProfile

    UserProfile.objects.filter(user_id=instance.pk).exclude(
        preferred_language=instance.language
    ).update(preferred_language=instance.language)


def person_follows_admin_language(sender, instance, created, **kwargs) -> None:
    """``post_save`` of Wagtail's profile: a new profile starts from the person's
    language; a changed one (Wagtail's account page) changes the person's."""
    user_model = type(instance.user)
    if created:
        sender.objects.filter(pk=instance.pk).update(preferred_language=instance.user.language)
        instance.preferred_language = instance.user.language
        return
    user_model.objects.filter(pk=instance.user_id).exclude(
        language=instance.preferred_language
    ).update(language=instance.preferred_language)
