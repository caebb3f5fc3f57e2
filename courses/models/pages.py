"""Course and module pages: the content editors write in Wagtail."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from content.models import (
    PageManager,
    ShownInReaderLanguage,
    ViewRestrictionsInOneQuery,
    show_in_reader_language,
)
from courses import module_submissions
from courses.blocks import (
    ACTION_BLOCKS,
    MODULE_BODY_BLOCKS,
    PRECHECK_BLOCKS,
    PRECHECK_ITEMS,
    QUIZ_BLOCKS,
)

AUDIENCE_CHOICES = [
    ("paras", _("Paras")),
    ("teachers", _("Teachers")),
    ("pairs", _("Paras and teachers")),
    ("administrators", _("Administrators")),
]


class CourseIndexPage(ViewRestrictionsInOneQuery, ShownInReaderLanguage, Page):
    """The catalogue: every course, in tree order."""

    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    translated_fields = ("title", "intro")

    # One: its translations are made from it (the curriculum import, or "Translate"
    # in Wagtail), which Wagtail's max_count does not stop.
    max_count = 1
    parent_page_types = ["content.HomePage"]
    subpage_types = ["courses.CoursePage"]

    objects = PageManager()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = show_in_reader_language(
            CoursePage.objects.child_of(self).live().public().specific(), ("title", "intro")
        )
        return context


class CoursePage(ViewRestrictionsInOneQuery, ShownInReaderLanguage, Page):
    intro = RichTextField(blank=True)
    audience = models.CharField(max_length=20, choices=AUDIENCE_CHOICES, default="pairs")

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("audience")]
    translated_fields = ("title", "intro")
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    objects = PageManager()

    def modules(self):
        """The course's published modules, in the order editors set in the tree."""
        return ModulePage.objects.child_of(self).live().public().order_by("path")

    def get_context(self, request, *args, **kwargs):
        # courses.progress imports these models: import it when a page is served.
        from courses.progress import course_progress

        context = super().get_context(request, *args, **kwargs)
        context["modules"] = show_in_reader_language(self.modules(), ("title", "summary"))
        catalogue = CourseIndexPage.objects.filter(path=self.path[: -self.steplen]).first()
        context["catalogue"] = catalogue and catalogue.shown_in_reader_language()
        # The signed-in learner's place in the course: context["progress"].steps are
        # ModuleSteps (label, is_new, next_action), one per published module.
        if request.user.is_authenticated and not getattr(request, "is_preview", False):
            context["progress"] = course_progress(request.user, [self])[self.pk]
        return context


# A module page's stream fields: long JSON to read and decode, which a listing of
# modules (titles, links, totals) leaves unread with ``defer``.
MODULE_CONTENT_FIELDS = ("body", "objectives", "actions", "quiz", "precheck", "model_answer")


class ModulePage(ViewRestrictionsInOneQuery, ShownInReaderLanguage, RoutablePageMixin, Page):
    summary = models.TextField(max_length=500)
    objectives = StreamField(
        [("objective", blocks.CharBlock(max_length=200))],
        blank=True,
        help_text=_("Two to four things the learner will be able to do."),
    )
    minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)
    pd_hours = models.DecimalField(
        _("PD hours"),
        max_digits=4,
        decimal_places=2,
        default=0.25,
        validators=[MinValueValidator(0)],
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    # "What do you already know?": optional, and it counts toward nothing.
    precheck = StreamField(
        PRECHECK_BLOCKS,
        blank=True,
        max_num=PRECHECK_ITEMS,
        verbose_name=_("pre-check"),
        help_text=_(
            "Up to three questions a learner may answer before reading, each on the same "
            "idea as one quiz question. They don't count toward passing or completion; the "
            "quiz result shows what changed."
        ),
    )
    body = StreamField(MODULE_BODY_BLOCKS)
    quiz = StreamField(QUIZ_BLOCKS, blank=True)
    actions = StreamField(ACTION_BLOCKS, blank=True, verbose_name=_("try-tomorrow actions"))
    model_answer = models.TextField(
        _("what a good answer sounds like"),
        blank=True,
        help_text=_(
            "The author's answer to the module's scenario, shown to the learner after the quiz. "
            "Separate paragraphs with a blank line."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("objectives"),
        MultiFieldPanel(
            [FieldPanel("minutes"), FieldPanel("pd_hours"), FieldPanel("pass_mark")],
            heading=_("Time and credit"),
        ),
        FieldPanel("precheck"),
        FieldPanel("body"),
        FieldPanel("quiz"),
        FieldPanel("model_answer"),
        FieldPanel("actions"),
    ]
    # Minutes, hours and pass mark are the source's: a record means the same in
    # every language. Block ids are the source's too (the curriculum import carries
    # them), so a quiz graded in Spanish stores the English page's choice ids.
    translated_fields = (
        "title",
        "summary",
        "objectives",
        "precheck",
        "body",
        "quiz",
        "actions",
        "model_answer",
    )
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("quiz"),
        index.SearchField("actions"),
    ]

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    objects = PageManager()

    @property
    def has_quiz(self) -> bool:
        # A listing counts the questions in the database (``JSONArrayLength("quiz")``) and
        # leaves the quiz itself, long JSON to decode, unread.
        if "quiz_length" in self.__dict__:
            return self.quiz_length > 0
        return len(self.quiz) > 0

    @property
    def has_precheck(self) -> bool:
        return len(self.precheck) > 0

    def clean(self):
        super().clean()
        # A block cannot see the quiz beside it: the page checks that every pre-check
        # question names a quiz question that is there.
        questions = len(self.quiz)
        for number, item in enumerate(self.precheck, start=1):
            wanted = item.value.get("quiz_question")
            if wanted and wanted > questions:
                raise ValidationError(
                    {
                        "precheck": _(
                            "Pre-check question %(number)s names quiz question %(wanted)s, "
                            "but the quiz has %(count)s."
                        )
                        % {"number": number, "wanted": wanted, "count": questions}
                    }
                )

    @property
    def course(self) -> CoursePage | None:
        if not self.pk:
            return None
        try:
            course = CoursePage.objects.get(path=self.path[: -self.steplen])
        except CoursePage.DoesNotExist:  # a module left under another kind of page
            return None
        # A module read in Spanish names its course in Spanish too.
        return course.shown_in_reader_language() if self.shows_translation else course

    # Learners take modules signed in: the page, its quiz and its actions all record
    # progress for someone. Wagtail previews go through serve_preview, not here.
    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(module_submissions.page_context(request, self))
        return context

    @path("read/", name="mark_read")
    def mark_read(self, request):
        return module_submissions.mark_read(request, self)

    @path("precheck/", name="precheck")
    def precheck_form(self, request):
        return module_submissions.precheck_form(request, self)

    @path("quiz/", name="quiz")
    def quiz_form(self, request):
        return module_submissions.quiz_form(request, self)

    @path("quiz/attempts/", name="quiz_attempts")
    def attempts_list(self, request):  # "quiz_attempts" is the reverse relation
        return module_submissions.quiz_attempts(request, self)

    @path("quiz/attempts/<int:attempt_id>/", name="quiz_result")
    def quiz_result(self, request, attempt_id):
        return module_submissions.quiz_result(request, self, attempt_id)

    # Each state a learner sees, as wagtail.contrib.forms previews a form and its
    # landing page; built from the revision being edited, and recording nothing.
    preview_modes = [
        ("module", _("Module")),
        ("precheck", _("Pre-check")),
        ("quiz", _("Quiz")),
        ("result", _("Quiz result")),
    ]

    def serve_preview(self, request, mode_name):
        if mode_name == "precheck":
            return module_submissions.preview_precheck(request, self)
        if mode_name == "quiz":
            return module_submissions.preview_quiz(request, self)
        if mode_name == "result":
            return module_submissions.preview_result(request, self)
        return super().serve_preview(request, mode_name)
