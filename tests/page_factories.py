"""Page factories. ``home_page`` owns the home page and Site wiring, so tests
never depend on what a migration left in the tree."""

import factory
import wagtail_factories
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from content.models import HomePage
from courses.models import CourseIndexPage, CoursePage, ModulePage


def home_page() -> HomePage:
    """The site's home page (created by a migration), with the default Site on it."""
    home = HomePage.objects.first()
    if home is None:
        # A transactional test may have emptied the tables the migrations filled.
        Locale.objects.get_or_create(language_code=get_supported_content_language_variant("en"))
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root"))
        home = root.add_child(instance=HomePage(title="Home", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    return home


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "Courses"
    slug = "courses"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    audience = "pairs"


def single_choice(prompt="Who decides which data to collect?", correct=0, choices=None):
    choices = choices or ["The special educator", "The para", "The family"]
    return (
        "single_choice",
        {
            "prompt": prompt,
            "choices": [
                {"text": text, "correct": i == correct, "feedback": f"Feedback on {text}."}
                for i, text in enumerate(choices)
            ],
            "explanation": "The special educator designs the tools; the para uses them.",
        },
    )


def true_false(prompt="A para may change a lesson plan on the spot.", answer=False):
    return (
        "true_false",
        {
            "prompt": prompt,
            "answer": answer,
            "feedback_true": "Changes go through the teacher.",
            "feedback_false": "Right: changes go through the teacher.",
            "explanation": "Program changes are the special educator's call.",
        },
    )


def who_does_this(prompt="Records behaviour data during the lesson.", answer="para"):
    return (
        "who_does_this",
        {
            "prompt": prompt,
            "answer": answer,
            "feedback_teacher": "The teacher designs the tool.",
            "feedback_para": "Yes: the para records, promptly.",
            "feedback_both": "The recording itself is the para's job.",
            "explanation": "The teacher decides what to collect; the para records it.",
        },
    )


def multiple_select(prompt="Which belong in the weekly plan?", correct=(0, 1)):
    texts = ["Priority goals", "Data collection plan", "Students' full names", "Home addresses"]
    return (
        "multiple_select",
        {
            "prompt": prompt,
            "choices": [
                {"text": text, "correct": i in correct, "feedback": f"About {text}."}
                for i, text in enumerate(texts)
            ],
            "explanation": "The plan holds goals and methods, and students only by initials.",
        },
    )


def try_tomorrow(text="Meet for five minutes before the first bell.", who="together", data=False):
    return ("try_tomorrow", {"text": text, "who": who, "records_data": data})


def module_kwargs(**overrides) -> dict:
    """Field values for a module with a body, a four-question quiz and two actions."""
    values = {
        "summary": "Who does what, and why it matters.",
        "objectives": [("objective", "Name who plans and who carries out instruction.")],
        "body": [("text", "<p>Clear roles make a calm classroom.</p>")],
        "quiz": [single_choice(), true_false(), who_does_this(), multiple_select()],
        "actions": [
            try_tomorrow(),
            try_tomorrow("Try one new prompt and note the result.", data=True),
        ],
        "minutes": 15,
        "pd_hours": "0.50",
        "pass_mark": 80,
    }
    values.update(overrides)
    return values


def make_module(course: CoursePage, title: str = "Clarifying roles", **overrides) -> ModulePage:
    module = ModulePage(title=title, **module_kwargs(**overrides))
    course.add_child(instance=module)
    module.save_revision().publish()
    return ModulePage.objects.get(pk=module.pk)


def make_course(title: str = "Stronger Together", modules: int = 2, **fields) -> CoursePage:
    """A published course with ``modules`` published modules under the course index."""
    home = home_page()
    index = CourseIndexPage.objects.first() or CourseIndexPageFactory(parent=home)
    course = CoursePageFactory(parent=index, title=title, **fields)
    for number in range(1, modules + 1):
        make_module(course, title=f"{title}: module {number}")
    return course


def take_quiz(user, module: ModulePage, wrong=()) -> None:
    """Submit ``module``'s quiz as ``user``, answering right except the questions at
    the ``wrong`` indexes, through the same path as the quiz form."""
    from courses.grading import questions_from_quiz
    from courses.recording import new_form_token, submit_quiz

    answers = {
        q.id: sorted(q.correct_ids if i not in wrong else {min(q.choice_ids - q.correct_ids)})
        for i, q in enumerate(questions_from_quiz(module.quiz))
    }
    submit_quiz(user, module, answers, new_form_token())
