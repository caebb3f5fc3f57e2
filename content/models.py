from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.shortcuts import redirect
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageViewRestriction
from wagtail.models import PageManager as WagtailPageManager
from wagtail.query import PageQuerySet
from wagtail.search import index


class RestrictedPathsQuerySet(PageQuerySet):
    """Wagtail's page queries, reading only the paths of restricted pages for
    ``public()`` and ``private()``.

    Wagtail loads every restricted page whole, through its view restrictions,
    only to take its path: on every page that lists courses or modules. The
    test is the same: a page is private when it or an ancestor is restricted.
    Wagtail's own: https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/query.py#L398
    (tests/test_course_pages.py compares the two).
    """

    def private_q(self):
        restricted = PageViewRestriction.objects.values_list("page__path", "page__depth")
        q = Q()
        for path, depth in restricted:
            q |= Q(path__startswith=path, depth__gte=depth)
        # No restrictions: no page is private.
        return q if q else Q(pk__in=[])


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


class HomePage(ViewRestrictionsInOneQuery, Page):
    """The front door: welcomes visitors and sends a signed-in person onwards."""

    intro = RichTextField(blank=True)
    sign_in_prompt = models.CharField(
        max_length=200, blank=True, default="Sign in to pick up where you left off."
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("sign_in_prompt")]

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
        """
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
            if reached is not None and reached[1].route is not Page.route:
                break
            reached, remaining = (pk, _page_class(content_type_id)), remaining[1:]
        if reached is None:
            return super().route(request, path_components)
        pk, page_class = reached
        return page_class._default_manager.get(pk=pk).route(request, remaining)


def _page_class(content_type_id: int) -> type[Page]:
    """The page type of a content type (Page itself for a type no longer in the code,
    as Wagtail's ``specific`` does)."""
    return ContentType.objects.get_for_id(content_type_id).model_class() or Page


class StandardPage(ViewRestrictionsInOneQuery, Page):
    """A plain page (about, help, privacy) with a rich-text body."""

    body = RichTextField()

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    parent_page_types = ["content.HomePage", "content.StandardPage"]
    subpage_types = ["content.StandardPage"]
