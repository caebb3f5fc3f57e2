from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import BooleanField, F, Func, Q
from django.shortcuts import redirect
from django.utils.translation import get_language
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.fields import RichTextField
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models import PageManager as WagtailPageManager
from wagtail.query import PageQuerySet
from wagtail.search import index


class RestrictedAboveOrHere(Func):
    """True for a page that is private: it or an ancestor has a view restriction,
    that is, a restricted page's path begins its path.

    Written as SQL rather than as ``Exists`` over a queryset: the listings of
    My learning and every module page ask it, and putting the subquery together
    cost each of them more than the rest of its query (0.35 ms against 0.07).
    """

    template = (
        "EXISTS (SELECT 1 FROM %(restrictions)s INNER JOIN %(pages)s restricted"
        " ON restricted.id = %(restrictions)s.page_id"
        " WHERE SUBSTR(%(expressions)s, 1, LENGTH(restricted.path)) = restricted.path)"
    )
    output_field = BooleanField()
    conditional = True

    def __init__(self):
        super().__init__(F("path"))

    def as_sql(self, compiler, connection, **extra_context):
        quoted = connection.ops.quote_name
        return super().as_sql(
            compiler,
            connection,
            restrictions=quoted(PageViewRestriction._meta.db_table),
            pages=quoted(Page._meta.db_table),
            **extra_context,
        )


class RestrictedPathsQuerySet(PageQuerySet):
    """Wagtail's page queries, with ``public()`` and ``private()`` asked inside the
    page query itself.

    Wagtail loads every restricted page whole, through its view restrictions,
    before the page query, only to take its path: a query of its own on every
    page that lists courses or modules (My learning asked it twice). The test is
    the same (``RestrictedAboveOrHere``).
    Wagtail's own: https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/query.py#L398
    (tests/test_course_pages.py compares the two).
    """

    def private_q(self):
        return Q(RestrictedAboveOrHere())

    def public(self):
        return self.filter(~RestrictedAboveOrHere())

    def sources(self):
        """Pages in the default language: the ones URLs lead to and records belong to.

        A translation is the same page in another language (README, "Content in
        Spanish"), so a listing that should show each page once asks for these.
        """
        return self.filter(locale__language_code=default_content_language())


# The manager of page types that are listed with ``public()``.
PageManager = WagtailPageManager.from_queryset(RestrictedPathsQuerySet)


class ViewRestrictionsInOneQuery:
    """Find the view restrictions that apply to a page in one query.

    Wagtail reads the page's ancestors, then their restrictions: two queries for
    every page served. One query finds the same rows: restrictions on the page
    or an ancestor that is not an alias, or on the source of one that is (an
    alias has no restrictions of its own). Wagtail's own:
    https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/models/pages.py#L1984
    (tests/test_course_pages.py compares the two). It follows a chain of aliases
    to the original page; this looks one step back only, so an alias of an alias
    differs (the xfail test there).
    """

    def get_view_restrictions(self):
        paths = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths, page__alias_of__isnull=True) | Q(page__aliases__path__in=paths)
        ).distinct()


def default_content_language() -> str:
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def reader_content_language() -> str:
    """The content language closest to the active one (``es`` for ``es-mx``)."""
    try:
        return get_supported_content_language_variant(get_language())
    except LookupError:
        return default_content_language()


class ShownInReaderLanguage:
    """A page served at its one URL, its text in the reader's language.

    Routing walks the default-language tree only (``HomePage.route``), so the page
    served is always the source page and every record made on it (progress,
    attempts, actions, hours) belongs to it whatever language it was read in. What
    the reader sees comes from the live translation in their language, when there
    is one: ``shown_in_reader_language`` copies its ``translated_fields`` onto a
    copy of the source page, whose id, path, URL and block ids stay the source's
    (the curriculum import gives translations the source's block ids). A page with
    no translation shows the source's text, and ``other_language`` says which
    language that is so the template can mark it with ``lang``.
    """

    # The fields that hold words: the rest (dates, minutes, pass mark) is the source's.
    translated_fields: Sequence[str] = ("title",)
    # True on a copy showing a translation's text.
    shows_translation = False

    def shown_in_reader_language(self):
        language = reader_content_language()
        translation = None
        if language != default_content_language():
            translation = (
                type(self)
                .objects.filter(
                    translation_key=self.translation_key,
                    locale__language_code=language,
                    live=True,
                )
                .only("last_published_at", *self.translated_fields)
                .first()
            )
        shown = copy.copy(self)
        shown.content_language = language if translation else default_content_language()
        shown.other_language = "" if shown.content_language == language else shown.content_language
        if translation is not None:
            for name in self.translated_fields:
                setattr(shown, name, getattr(translation, name))
            shown.shows_translation = True
            shown.translation_published_at = translation.last_published_at
            shown.save = _refuse_to_save
        return shown

    def get_cache_key_components(self):
        # Fragments cached by page (wagtailpagecache) change when the translation
        # shown is published again, not only when the source is.
        published = getattr(self, "translation_published_at", None)
        return [*super().get_cache_key_components(), published and published.isoformat()]

    def route(self, request, path_components):
        # A routable page (a module) answers its sub-paths itself, so it is the page
        # shown for them too; any other page hands them on to a child.
        if path_components and not isinstance(self, RoutablePageMixin):
            return super().route(request, path_components)
        return super(ShownInReaderLanguage, self.shown_in_reader_language()).route(
            request, path_components
        )


def _refuse_to_save(*args, **kwargs):
    raise TypeError("A page shown in another language would save that language's text.")


def show_in_reader_language(pages: Iterable[Page], fields: Sequence[str] = ("title",)):
    """Give listed source pages the text of their translations in the reader's
    language, in one query for all of them; returns them as a list.

    Each page gains ``other_language`` (as ``shown_in_reader_language`` gives a
    served page), for a listing to mark a title it shows in the default language.
    """
    pages = list(pages)
    language = reader_content_language()
    translations = {}
    if pages and language != default_content_language():
        # One page type: its own fields can be read; a mixed listing reads titles.
        kinds = {type(page) for page in pages}
        model = kinds.pop() if len(kinds) == 1 else Page
        translations = {
            row.pop("translation_key"): row
            for row in model._default_manager.filter(
                translation_key__in=[page.translation_key for page in pages],
                locale__language_code=language,
                live=True,
            ).values("translation_key", *fields)
        }
    for page in pages:
        translation = translations.get(page.translation_key)
        page.other_language = "" if translation else _other(language)
        for name, value in (translation or {}).items():
            setattr(page, name, value)
    return pages


def _other(language: str) -> str:
    default = default_content_language()
    return "" if language == default else default


class HomePage(ViewRestrictionsInOneQuery, ShownInReaderLanguage, Page):
    """The front door: welcomes visitors and sends a signed-in person onwards."""

    intro = RichTextField(blank=True)
    sign_in_prompt = models.CharField(
        max_length=200, blank=True, default="Sign in to pick up where you left off."
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("sign_in_prompt")]
    translated_fields = ("title", "intro", "sign_in_prompt")

    # Editors never create another: the one in each language is a translation of the
    # English home page (content/migrations/0003), made without this check.
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage", "content.StandardPage"]

    def serve(self, request, *args, **kwargs):
        if request.user.is_authenticated and not getattr(request, "is_preview", False):
            return redirect("start")
        return super().serve(request, *args, **kwargs)

    def route(self, request, path_components):
        """Find the pages along the path in one query, not two for every level.

        Wagtail walks down from here a child at a time. A page whose ``url_path``
        is a prefix of the requested one is on that walk, so they all come back
        together; routing then goes on, as Wagtail's would, from the deepest of
        them or from the first on the way with routes of its own (a module's quiz),
        which may claim the rest of the path. Wagtail's walk:
        https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/models/pages.py#L968
        (tests/test_course_pages.py routes every path both ways).

        Wagtail starts from the home page's translation in the active language
        (``site.root_page.localized``); a translation hands over to the site's own
        home page, so every URL reaches the source page and shows it in the
        reader's language (``ShownInReaderLanguage``).
        https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/models/pages.py#L560
        """
        site = Site.find_for_request(request)
        if site is not None and site.root_page_id != self.pk:
            return HomePage.objects.get(pk=site.root_page_id).route(request, path_components)
        if not path_components:
            return super().route(request, path_components)
        prefixes = [
            self.url_path + "/".join(path_components[:depth]) + "/"
            for depth in range(1, len(path_components) + 1)
        ]
        # Ids and types only: building the pages along the way costs more than
        # fetching the one reached.
        on_path = (
            Page.objects.filter(
                url_path__in=prefixes, path__startswith=self.path, depth__gt=self.depth
            )
            .order_by("depth")
            .values_list("pk", "content_type_id")
        )
        reached, remaining = None, path_components
        for pk, content_type_id in on_path:
            if reached is not None and not _routes_through_children(reached[1]):
                break
            reached, remaining = (pk, _page_class(content_type_id)), remaining[1:]
        if reached is None:
            return super().route(request, path_components)
        pk, page_class = reached
        return page_class._default_manager.get(pk=pk).route(request, remaining)


def _routes_through_children(page_class: type[Page]) -> bool:
    """Whether a page type hands a longer path on to its child, as Page does
    (``ShownInReaderLanguage`` changes only how the page itself is shown)."""
    if issubclass(page_class, RoutablePageMixin):
        return False
    return page_class.route in (Page.route, ShownInReaderLanguage.route)


def _page_class(content_type_id: int) -> type[Page]:
    """The page type of a content type (Page itself for a type no longer in the code,
    as Wagtail's ``specific`` does)."""
    return ContentType.objects.get_for_id(content_type_id).model_class() or Page


class StandardPage(ViewRestrictionsInOneQuery, ShownInReaderLanguage, Page):
    """A plain page (about, help, privacy) with a rich-text body."""

    body = RichTextField()

    content_panels = Page.content_panels + [FieldPanel("body")]
    translated_fields = ("title", "body")
    search_fields = Page.search_fields + [index.SearchField("body")]

    parent_page_types = ["content.HomePage", "content.StandardPage"]
    subpage_types = ["content.StandardPage"]
