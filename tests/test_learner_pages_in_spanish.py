"""The learner's pages in Spanish.

A para who chose Spanish on her account page reads My learning, a module, her quiz
result, her pair's checklist, weekly plan and check-ins, her PD hours, certificate and
transcript in Spanish; her teacher, who chose English, reads the same records in
English. Plurals, dates and numbers follow the reader's language, and no English
interface text of these pages is left on the Spanish ones.
"""

import datetime
import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from courses.models import Assignment, Certificate, QuizAttempt
from courses.recording import record_read
from tests.clock import TODAY
from tests.factories import signed_in
from tests.page_factories import make_course, take_quiz
from workspace.models import CheckIn, PairAction, WeeklyPlan
from workspace.plans import monday_of

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
# The templates of the pages this file covers: their English must not show in Spanish.
LEARNER_TEMPLATES = re.compile(r"^templates/(courses|workspace|hours)/")


@pytest.fixture
def pair(district):
    pair = district.pair
    pair.started_on = TODAY - datetime.timedelta(days=70)
    pair.save()
    pair.para.language = "es"
    pair.para.save()
    pair.teacher.language = "en"
    pair.teacher.save()
    return pair


@pytest.fixture
def course(pair):
    course = make_course("Stronger Together", modules=2)
    module = course.modules().first().specific
    PairAction.objects.create(
        pair=pair,
        module=module,
        block_id=module.actions[0].id,
        text=module.actions[0].value["text"],
        planned_for=TODAY,
    )
    WeeklyPlan.objects.create(
        pair=pair, week_of=monday_of(TODAY), students="J.M.", priority_goals="Read daily"
    )
    CheckIn.objects.create(
        pair=pair, author=pair.teacher, kind=CheckIn.Kind.PLANNING, happened_on=TODAY, minutes=1
    )
    CheckIn.objects.create(
        pair=pair,
        author=pair.para,
        kind=CheckIn.Kind.CHECK_IN,
        happened_on=TODAY - datetime.timedelta(days=1),
        minutes=3,
    )
    for person in (pair.para, pair.teacher):
        Assignment.objects.create(user=person, page=course, due_on=datetime.date(2026, 12, 8))
    return course


def finish(person, course) -> Certificate:
    for module in course.modules().specific():
        record_read(person, module)
        take_quiz(person, module)
    return Certificate.objects.get(user=person, course=course)


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


def learner_msgids() -> list[str]:
    """The English sentences of the learner templates that have a different Spanish:
    whole phrases only (a space inside, at least 12 characters, no placeholder), so
    a match on a page is interface text and not a chance word of the content."""
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    return [
        message.id
        for message in catalogue
        if isinstance(message.id, str)
        and message.string
        and message.string != message.id
        and any(LEARNER_TEMPLATES.match(path) for path, _line in message.locations)
        and " " in message.id
        and len(message.id) >= 12
        and "%" not in message.id
        and "<" not in message.id
    ]


def assert_no_english(text: str) -> None:
    leftovers = [msgid for msgid in learner_msgids() if msgid in text]
    assert leftovers == []


def test_my_learning_is_in_each_readers_language(pair, course):
    spanish = page_text(signed_in(pair.para), reverse("my_learning"))
    assert '<html lang="es"' in spanish
    assert "Mi aprendizaje" in spanish
    assert "Asignado a mí" in spanish
    assert "Vence el 8 de diciembre de 2026" in spanish
    assert "0 de 2 módulos completados" in spanish
    assert "Guías prácticas" in spanish
    assert_no_english(spanish)

    english = page_text(signed_in(pair.teacher), reverse("my_learning"))
    assert "Assigned to me" in english
    assert "Due Dec. 8, 2026" in english
    assert "0 of 2 modules complete" in english
    assert "Asignado a mí" not in english
    # The leftover check does find English interface text where there is some.
    assert "More courses for you" in learner_msgids()
    with pytest.raises(AssertionError):
        assert_no_english(english)


def test_a_module_page_speaks_the_readers_language_around_the_same_content(pair, course):
    module = course.modules().first().specific
    spanish = page_text(signed_in(pair.para), module.url)
    assert "Módulo 1 de 2" in spanish
    assert "Ya lo leí: continuar" in spanish
    assert "Pruébelo mañana" in spanish
    assert "Unos 15 minutos · 0,50 horas de desarrollo profesional" in spanish
    assert "Clear roles make a calm classroom." in spanish  # the module's own text
    assert_no_english(spanish)

    # The cached content is kept per language: English readers never get the Spanish copy.
    english = page_text(signed_in(pair.teacher), module.url)
    assert "I've read this — continue" in english
    assert "Try tomorrow" in english
    assert "About 15 minutes · 0.50 PD hours" in english
    assert "Pruébelo mañana" not in english


def test_the_course_page_gives_times_and_hours_in_spanish(pair, course):
    spanish = page_text(signed_in(pair.para), course.url)
    assert "Unos 15 minutos · 0,5 horas de desarrollo profesional" in spanish
    assert "Empezar: Stronger Together: module 1" in spanish
    assert_no_english(spanish)
    english = page_text(signed_in(pair.teacher), course.url)
    assert "About 15 minutes · 0.5 PD hours" in english


def test_the_quiz_result_and_the_completed_module_in_spanish(pair, course):
    module = course.modules().first().specific
    record_read(pair.para, module)
    take_quiz(pair.para, module, wrong=(0,))
    attempt = QuizAttempt.objects.get(user=pair.para, module=module)
    result_url = module.url + module.reverse_subpage("quiz_result", args=[attempt.pk])

    spanish = page_text(signed_in(pair.para), result_url)
    assert "Su resultado: 75%" in spanish
    assert "Respondió bien 3 de 4 preguntas en el intento 1." in spanish
    assert "Todavía no aprobado" in spanish
    assert "Intentarlo de nuevo" in spanish
    assert_no_english(spanish)

    take_quiz(pair.para, module)
    assert "Completó este módulo el 18 de noviembre de 2026." in page_text(
        signed_in(pair.para), module.url
    )


def test_the_pair_page_is_in_spanish_for_the_para_and_in_english_for_the_teacher(pair, course):
    url = reverse("pair_detail", args=[pair.pk])
    spanish = page_text(signed_in(pair.para), url)
    assert f"Usted y {pair.teacher.get_full_name()}" in spanish
    assert "Trabajan juntos desde el 9 de septiembre de 2026." in spanish
    assert "El plan de esta semana" in spanish
    assert "Hice mi parte" in spanish
    assert "Reuniones breves y de planificación" in spanish
    assert "1 minuto de planificación esta semana" in spanish
    assert "Cursos de los dos" in spanish
    assert_no_english(spanish)

    english = page_text(signed_in(pair.teacher), url)
    assert f"You and {pair.para.get_full_name()}" in english
    assert "This week's plan" in english
    assert "I did my part" in english
    assert "1 minute of planning this week" in english
    assert "El plan de esta semana" not in english


def test_the_pair_pages_charts_draw_the_same_in_spanish(pair, course):
    """SVG numbers take a decimal point in every language: "12,5" is not a coordinate."""
    url = reverse("pair_detail", args=[pair.pk])

    def coordinates(person) -> list[str]:
        page = signed_in(person).get(url).content.decode()
        svgs = re.findall(r"<svg.*?</svg>", page, re.S)
        return [
            value
            for svg in svgs
            for value in re.findall(r' (?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"', svg)
        ]

    spanish, english = coordinates(pair.para), coordinates(pair.teacher)
    assert spanish == english
    assert any("." in value for value in spanish)  # a chart with a fraction in it
    assert not any("," in value for value in spanish)


def test_the_weekly_plan_and_the_check_in_log_in_spanish(pair, course):
    client = signed_in(pair.para)
    plan = page_text(client, reverse("weekly_plan", args=[pair.pk]))
    assert "Plan de la semana del 16 de noviembre de 2026" in plan
    assert "Semana anterior" in plan
    assert "Guardar el plan" in plan
    assert_no_english(plan)

    check_ins = page_text(client, reverse("check_ins", args=[pair.pk]))
    assert "Reuniones breves y de planificación" in check_ins
    # One minute and three minutes: each in its own plural form, with Spanish dates.
    assert "el miércoles, 18 de noviembre de 2026 · 1 minuto ·" in check_ins
    assert "el martes, 17 de noviembre de 2026 · 3 minutos ·" in check_ins
    assert_no_english(check_ins)

    english = page_text(signed_in(pair.teacher), reverse("check_ins", args=[pair.pk]))
    assert "on Wednesday, Nov. 18, 2026 · 1 minute ·" in english
    assert "on Tuesday, Nov. 17, 2026 · 3 minutes ·" in english


def test_my_hours_the_certificate_and_the_transcript_in_spanish(pair, course):
    certificate = finish(pair.para, course)
    client = signed_in(pair.para)

    hours = page_text(client, reverse("hours:mine"))
    assert "Mis horas de desarrollo profesional" in hours
    assert "Registro de horas" in hours
    assert "Módulos de Tandem" in hours
    assert_no_english(hours)

    page = page_text(client, reverse("certificate", args=[certificate.pk]))
    assert "Certificado de finalización" in page
    assert "1,00 horas de desarrollo profesional" in page
    assert "Completado el 18 de noviembre de 2026" in page
    assert_no_english(page)

    transcript = page_text(client, reverse("transcript"))
    assert "Año escolar 2026–2027: 1,00 horas de desarrollo profesional" in transcript
    assert "Curso: Stronger Together" in transcript
    assert_no_english(transcript)

    teacher_certificate = finish(pair.teacher, course)
    english = page_text(
        signed_in(pair.teacher), reverse("certificate", args=[teacher_certificate.pk])
    )
    assert "Certificate of completion" in english
    assert "Completed on Nov. 18, 2026" in english


@pytest.mark.parametrize(
    ("count", "spanish", "english"),
    [
        (1, "1 cosa le espera", "1 thing waits for you"),
        (3, "3 cosas le esperan", "3 things wait for you"),
    ],
)
def test_the_waiting_count_has_the_right_plural_in_each_language(count, spanish, english):
    def render(language: str) -> str:
        with translation.override(language):
            return render_to_string("workspace/tags/waiting_count.html", {"count": count})

    assert spanish in render("es")
    assert english in render("en")


@pytest.mark.parametrize(
    ("done", "total", "spanish"),
    [(0, 1, "0 de 1 módulo completado"), (1, 3, "1 de 3 módulos completados")],
)
def test_course_progress_has_the_right_plural_in_spanish(done, total, spanish):
    progress = {"course": {"pk": 1}, "done": done, "total": total, "percent": 0}
    with translation.override("es"):
        text = render_to_string(
            "courses/includes/course_progress.html", {"progress": progress, "prefix": "t"}
        )
    assert spanish in text


def test_adding_a_modules_actions_says_so_in_spanish_with_the_day(pair, course):
    module = course.modules().first().specific
    response = signed_in(pair.para).post(
        reverse("pair_action_add", args=[pair.pk]),
        {"module_id": module.pk, "planned_for": "2026-11-19"},
        follow=True,
    )
    text = html.unescape(response.content.decode())
    # One of the module's two actions was on the checklist already: one is added.
    assert (
        f"Se agregó 1 acción de “{module.title}” a su lista para el jueves, 19 de noviembre."
        in text
    )


def test_a_job_aid_pdf_is_written_in_the_language_of_whoever_downloads_it(monkeypatch):
    from courses import job_aids

    written = []
    write = job_aids._Sheet.text

    def record(sheet, text, *args, **kwargs):
        written.append(str(text))
        write(sheet, text, *args, **kwargs)

    monkeypatch.setattr(job_aids._Sheet, "text", record)
    with translation.override("es"):
        assert job_aids.job_aid_pdf(job_aids.BY_SLUG["role-card"]).startswith(b"%PDF-")
    assert "Tarjeta de roles: quién hace qué" in written
    assert "Adaptación (acomodación)" in written
    assert any(line.startswith("Por ejemplo: Tiempo adicional") for line in written)


def test_the_calendar_feed_names_its_events_in_the_owners_language(pair, course):
    from hours.calendar_feed import feed_for

    # Fetched by a calendar app, in whatever language the app asks for.
    with translation.override("en"):
        spanish = feed_for(pair.para).decode()
        english = feed_for(pair.teacher).decode()
    assert "SUMMARY:Vence: Stronger Together" in spanish
    assert f"SUMMARY:Planificación semanal con {pair.teacher.get_full_name()}" in spanish
    assert "SUMMARY:Due: Stronger Together" in english
    assert f"SUMMARY:Weekly planning with {pair.para.get_full_name()}" in english


def test_a_tap_on_a_measure_answers_the_script_in_the_readers_language(pair, course):
    from workspace.models import Measure

    action = PairAction.objects.get(pair=pair)
    measure = Measure.objects.create(
        action=action, kind=Measure.Kind.COUNT, what="usó la tarjeta", student="J.M."
    )
    url = reverse("pair_measure_record", args=[pair.pk, measure.pk])

    def tap(person) -> dict:
        return signed_in(person).post(url, {"step": "1"}, HTTP_ACCEPT="application/json").json()

    assert tap(pair.para) == {"value": 1, "text": "1 vez hoy"}
    assert tap(pair.teacher) == {"value": 2, "text": "2 times today"}
    assert tap(pair.para) == {"value": 3, "text": "3 veces hoy"}
