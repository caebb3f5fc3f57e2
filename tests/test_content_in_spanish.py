"""The course content in Spanish: Wagtail translations of the English pages, imported
from courses/curriculum/es/, shown at the English pages' URLs, with one record for
both languages."""

import io
import shutil
import uuid
from http import HTTPStatus
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from wagtail.models import Locale, Page, Revision

from courses.curriculum.reader import CURRICULUM_DIR
from courses.grading import grade, questions_from_quiz
from courses.models import (
    Assignment,
    Certificate,
    CourseIndexPage,
    CoursePage,
    ModulePage,
    ModuleProgress,
    QuizAttempt,
)
from courses.recording import record_read
from courses.transcript import transcript_entries
from hours.ledger import ledger_for
from reporting.completion_reports import module_rows
from tests.clock import TODAY
from tests.page_factories import home_page, make_course, take_quiz
from workspace.models import PairAction

pytestmark = pytest.mark.django_db

SPANISH_DIR = CURRICULUM_DIR.parent / "es"
SHARED_STREAMS = ("precheck", "quiz", "actions")


@pytest.fixture
def curriculum():
    home_page()
    call_command("load_curriculum", verbosity=0)


def spanish(page: Page) -> Page:
    return type(page).objects.get(translation_key=page.translation_key, locale__language_code="es")


def block_ids(data) -> list[str]:
    """Every block id in a StreamField's stored data, at every level, in order."""
    if isinstance(data, list):
        return [found for item in data for found in block_ids(item)]
    if isinstance(data, dict):
        own = [data["id"]] if "id" in data and "type" in data else []
        return own + [found for value in data.values() for found in block_ids(value)]
    return []


def module(slug: str) -> ModulePage:
    return ModulePage.objects.sources().get(slug=slug)


def signed_in(client, user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


# The import --------------------------------------------------------------------------


def test_the_spanish_files_become_translations_sharing_every_block_id(curriculum):
    english_modules = ModulePage.objects.live().sources()
    assert english_modules.count() == 14
    for english in english_modules:
        translated = spanish(english)
        assert (translated.slug, translated.live) == (english.slug, True)
        assert translated.get_parent().translation_key == english.get_parent().translation_key
        assert translated.title != english.title
        for name in SHARED_STREAMS:
            ids = block_ids(list(getattr(english, name).raw_data))
            assert ids, (english.slug, name)
            assert block_ids(list(getattr(translated, name).raw_data)) == ids, (english.slug, name)
    spanish_index = spanish(CourseIndexPage.objects.sources().get())
    assert spanish_index.get_parent().specific == spanish(home_page())
    assert spanish_index.title == "Cursos"


def test_a_second_run_changes_nothing(curriculum, capsys):
    pages, revisions = Page.objects.count(), Revision.objects.count()

    call_command("load_curriculum")

    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)
    assert "Pages created: 0, updated: 0, unchanged: 32." in capsys.readouterr().out


def test_a_spanish_page_published_by_an_editor_is_kept(curriculum, district):
    translated = spanish(module("clarifying-roles"))
    translated.title = "Aclarar nuestros roles"
    translated.save_revision(user=district.editor).publish(user=district.editor)

    call_command("load_curriculum", verbosity=0)

    assert ModulePage.objects.get(pk=translated.pk).title == "Aclarar nuestros roles"


# Files that do not mirror their English twin -----------------------------------------


@pytest.fixture
def folders(tmp_path) -> tuple[Path, Path]:
    """A one-course curriculum, with its first module, in English and in Spanish."""
    for language in ("en", "es"):
        course = tmp_path / language / "1-stronger-together"
        course.mkdir(parents=True)
        shipped = CURRICULUM_DIR.parent / language / "1-stronger-together"
        for name in ("course.md", "01-why-collaboration-matters.md"):
            shutil.copy(shipped / name, course / name)
    return tmp_path / "en", tmp_path / "es" / "1-stronger-together"


def blocks_in(path: Path, opening: str) -> list[list[tuple[int, str]]]:
    """The numbered lines of each block opened by ``opening``, its first line first."""
    found, current = [], None
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.startswith(opening):
            current = [(number, line)]
        elif current is not None:
            current.append((number, line))
            if line == ":::":
                found.append(current)
                current = None
    return found


def replace_line(path: Path, number: int, text: str | None) -> None:
    lines = path.read_text().splitlines()
    if text is None:
        del lines[number - 1]
    else:
        lines[number - 1] = text
    path.write_text("\n".join(lines) + "\n")


def refused(english_root: Path) -> str:
    home_page()
    with pytest.raises(CommandError) as error:
        call_command("load_curriculum", "--path", str(english_root))
    assert not CourseIndexPage.objects.exists()
    assert not ModulePage.objects.exists()
    return str(error.value)


def test_a_spanish_file_missing_a_choice_is_refused_at_its_line(folders):
    english_root, folder = folders
    path = folder / "01-why-collaboration-matters.md"
    question = next(
        block
        for block in blocks_in(path, "::: question single")
        if sum(line.startswith("[") for _, line in block) == 4
    )
    number = next(n for n, line in question if line.startswith("[ ]"))
    replace_line(path, number, None)

    message = refused(english_root)

    assert f"{path}:{question[0][0]}: question" in message
    assert "it has 4 choices in English, not 3." in message


def test_a_spanish_file_with_a_right_answer_moved_is_refused_at_its_line(folders):
    english_root, folder = folders
    path = folder / "01-why-collaboration-matters.md"
    question = blocks_in(path, "::: question single")[0]
    choices = [(n, line) for n, line in question if line.startswith("[")]
    right = next(index for index, (_, line) in enumerate(choices) if line.startswith("[x]"))
    wrong = next(index for index, (_, line) in enumerate(choices) if line.startswith("[ ]"))
    replace_line(path, choices[right][0], "[ ]" + choices[right][1][3:])
    replace_line(path, choices[wrong][0], "[x]" + choices[wrong][1][3:])

    message = refused(english_root)

    first = choices[min(right, wrong)][0]
    assert f"{path}:{first}: question " in message
    assert "right in English." in message


def test_a_spanish_module_with_no_english_twin_is_refused(folders):
    english_root, folder = folders
    shutil.copy(
        SPANISH_DIR / "1-stronger-together" / "02-clarifying-roles.md",
        folder / "02-clarifying-roles.md",
    )

    message = refused(english_root)

    assert f"{folder / '02-clarifying-roles.md'}: there is no English module" in message


def test_check_reports_a_translation_that_does_not_mirror(tmp_path):
    for language in ("en", "es"):
        shutil.copytree(CURRICULUM_DIR.parent / language, tmp_path / language)
    shutil.copy(CURRICULUM_DIR.parent / "sources.toml", tmp_path / "sources.toml")
    path = tmp_path / "es" / "1-stronger-together" / "07-planning-together.md"
    action = blocks_in(path, "::: action")[0]
    look_for = next(n for n, line in action if line.startswith("look_for:"))
    replace_line(path, look_for, None)

    with pytest.raises(CommandError) as error:
        call_command("load_curriculum", "--path", str(tmp_path / "en"), "--check")

    assert f"{path}:{look_for}: action 1: it has 3 look-fors in English." in str(error.value)


def test_every_shipped_english_module_has_a_spanish_file():
    english = {path.relative_to(CURRICULUM_DIR) for path in CURRICULUM_DIR.glob("*/*.md")}
    translated = {path.relative_to(SPANISH_DIR) for path in SPANISH_DIR.glob("*/*.md")}

    assert sorted(map(str, english - translated)) == []


# One URL, the reader's language ---------------------------------------------------------


def test_the_same_url_shows_each_reader_their_language(curriculum, district):
    english = module("why-collaboration-matters")
    para = signed_in(Client(), district.para, "es")
    teacher = signed_in(Client(), district.teacher, "en")

    in_spanish = para.get(english.url)
    in_english = teacher.get(english.url)

    assert in_spanish.status_code == in_english.status_code == HTTPStatus.OK
    assert f"<h1>{spanish(english).title}</h1>" in in_spanish.text
    assert f"<h1>{english.title}</h1>" in in_english.text
    assert spanish(english).summary in in_spanish.text
    # The checklist form names the English page, whose actions the pair's records keep.
    assert f'name="module_id" value="{english.pk}"' in in_spanish.text


def test_a_module_not_yet_in_spanish_is_shown_in_english_and_marked(curriculum, district, client):
    english = module("clarifying-roles")
    spanish(english).unpublish()
    signed_in(client, district.para, "es")

    html = client.get(english.url).text

    assert f'<h1 lang="en">{english.title}</h1>' in html


def test_a_quiz_passed_in_spanish_completes_the_english_module(curriculum, district, client):
    para = district.para
    english = module("why-collaboration-matters")
    translated = spanish(english)
    signed_in(client, para, "es")

    assert client.post(english.url + "read/").status_code == HTTPStatus.FOUND
    quiz = client.get(english.url + "quiz/")
    questions = questions_from_quiz(translated.quiz)
    assert escape(questions[0].prompt) in quiz.text
    answers = {"form_token": uuid.uuid4().hex, "module": str(english.pk)}
    for question in questions:
        answers[question.field_name] = sorted(question.correct_ids)
    result = client.post(english.url + "quiz/", answers, follow=True)

    assert result.status_code == HTTPStatus.OK
    # The result gives the Spanish page's feedback.
    assert escape(questions[0].explanation) in result.text
    attempt = QuizAttempt.objects.get(user=para)
    assert (attempt.module_id, attempt.passed) == (english.pk, True)
    # The stored choice ids grade the same against either language's quiz.
    english_grade = grade(questions_from_quiz(english.quiz), attempt.answers)
    spanish_grade = grade(questions, attempt.answers)
    assert english_grade.score == spanish_grade.score == attempt.score == 1
    progress = ModuleProgress.objects.get(user=para)
    assert (progress.module_id, progress.completed_at is not None) == (english.pk, True)
    assert [entry.record_id for entry in ledger_for([para.pk])[para.pk]] == [progress.pk]

    # In English, the same module is complete for her.
    signed_in(client, para, "en")
    page = client.get(english.url).text
    assert f"<h1>{english.title}</h1>" in page
    assert "You completed this module on" in page


def test_the_certificate_and_actions_belong_to_the_english_pages(curriculum, district, client):
    para, pair = district.para, district.pair
    course = CoursePage.objects.sources().get(slug="stronger-together")
    *earlier, last = course.modules().specific()
    for page in earlier:
        record_read(para, page)
        take_quiz(para, page)
    signed_in(client, para, "es")
    client.post(last.url + "read/")
    answers = {"form_token": uuid.uuid4().hex, "module": str(last.pk)}
    for question in questions_from_quiz(spanish(last).quiz):
        answers[question.field_name] = sorted(question.correct_ids)
    client.post(last.url + "quiz/", answers)

    assert Certificate.objects.get(user=para).course_id == course.pk

    added = client.post(
        reverse("pair_action_add", args=[pair.pk]),
        {"module_id": last.pk, "planned_for": "2026-11-19", "next": last.url},
    )
    assert added.status_code == HTTPStatus.FOUND
    actions = PairAction.objects.filter(pair=pair)
    assert {action.module_id for action in actions} == {last.pk}
    assert {action.block_id for action in actions} == {block.id for block in last.actions}


# Listings and reports ------------------------------------------------------------------


def test_reports_list_each_module_once_in_the_administrators_language(curriculum, district, client):
    signed_in(client, district.district_admin, "es")

    html = client.get(reverse("course_reports:modules")).text

    modules = ModulePage.objects.live().sources()
    assert module_rows(get_user_model().objects.none()).count() == 14
    for english in modules:
        assert spanish(english).title in html
        assert f">{english.title}<" not in html


def test_completion_by_person_titles_assignments_in_the_administrators_language(
    curriculum, district, client
):
    course = CoursePage.objects.sources().get(slug="stronger-together")
    Assignment.objects.create(
        user=district.para, page=course, due_on=TODAY, assigned_by=district.district_admin
    )
    signed_in(client, district.district_admin, "es")

    html = client.get(reverse("course_reports:completion")).text

    assert spanish(course).title in html
    assert course.title not in html


@pytest.mark.parametrize("report", ["course_reports:completion", "pair_reports:by_pair"])
@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_report_exports_title_assignments_in_the_administrators_language(
    curriculum, district, client, report, export
):
    course = CoursePage.objects.sources().get(slug="stronger-together")
    Assignment.objects.create(
        user=district.para, page=course, due_on=TODAY, assigned_by=district.district_admin
    )
    url = reverse(report) + f"?export={export}"

    signed_in(client, district.district_admin, "es")
    in_spanish = b"".join(client.get(url).streaming_content)
    signed_in(client, district.district_admin, "en")
    in_english = b"".join(client.get(url).streaming_content)

    if export == "xlsx":
        in_spanish, in_english = (xlsx_text(data) for data in (in_spanish, in_english))
    else:
        in_spanish, in_english = (data.decode("utf-8-sig") for data in (in_spanish, in_english))
    assert spanish(course).title in in_spanish and course.title not in in_spanish
    assert course.title in in_english and spanish(course).title not in in_english


def xlsx_text(data: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    return "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)


def test_the_transcript_titles_modules_in_the_readers_language(curriculum, district):
    para, english = district.para, module("why-collaboration-matters")
    record_read(para, english)
    take_quiz(para, english)

    with translation.override("es"):
        (entry,) = transcript_entries(para)
    with translation.override("en"):
        (in_english,) = transcript_entries(para)

    assert (entry.title, entry.course_title) == (spanish(english).title, "Más fuertes juntos")
    assert (in_english.title, in_english.course_title) == (english.title, "Stronger Together")


def test_the_catalogue_lists_each_course_once_in_spanish(curriculum, client, district):
    signed_in(client, district.para, "es")

    html = client.get(CourseIndexPage.objects.sources().get().url).text

    assert html.count('class="card course-card"') == 2
    assert "Más fuertes juntos" in html
    assert "Stronger Together" not in html


def test_a_course_page_in_spanish_names_its_catalogue_and_modules_in_spanish(
    curriculum, district, client
):
    course = CoursePage.objects.sources().get(slug="stronger-together")
    signed_in(client, district.para, "es")

    html = client.get(course.url).text

    assert f"<h1>{spanish(course).title}</h1>" in html
    assert ">Cursos</a>" in html
    for english in course.modules():
        assert spanish(english).title in html


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


def test_queries_do_not_grow_with_the_translated_modules(curriculum, district, client):
    signed_in(client, district.para, "es")
    english = module("why-collaboration-matters")
    my_learning = reverse("my_learning")
    client.get(my_learning)  # caches warmed
    client.get(english.url)
    with_all = (queries(client, my_learning), queries(client, english.url))

    for page in ModulePage.objects.filter(locale__language_code="es").exclude(
        translation_key=english.translation_key
    ):
        page.delete()
    with_one = (queries(client, my_learning), queries(client, english.url))

    assert with_all == with_one


# Editors ---------------------------------------------------------------------------------


def test_a_spanish_page_previews_itself(curriculum, district):
    translated = spanish(module("clarifying-roles"))

    response = translated.make_preview_request()

    assert response.status_code == HTTPStatus.OK
    assert f"<h1>{translated.title}</h1>" in response.rendered_content


def test_translate_in_the_admin_copies_the_english_block_ids(district, client):
    course = make_course(modules=1)
    english = course.modules().specific().get()
    index = course.get_parent()
    client.force_login(district.editor)

    response = client.post(
        reverse("simple_translation:submit_page_translation", args=[index.pk]),
        {"locales": [Locale.objects.get(language_code="es").pk], "include_subtree": "on"},
    )

    assert response.status_code == HTTPStatus.FOUND
    copy = spanish(english)
    for name in SHARED_STREAMS:
        assert block_ids(list(getattr(copy, name).raw_data)) == block_ids(
            list(getattr(english, name).raw_data)
        )
