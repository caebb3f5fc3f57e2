from django.db import models
from django.shortcuts import redirect
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
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


class StandardPage(Page):
    """A plain page (about, help, privacy) with a rich-text body."""

    body = RichTextField()

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    parent_page_types = ["content.HomePage", "content.StandardPage"]
    subpage_types = ["content.StandardPage"]
