"""Which language Tandem speaks: the browser's before sign-in, the person's choice
after; the switch in the header; Wagtail's admin language kept equal to it; and
every email in its recipient's language, whoever's action sends it."""

import datetime
from http import HTTPStatus

import pytest
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.core import mail
from django.http import HttpResponse, HttpResponseNotFound
from django.middleware.locale import LocaleMiddleware
from django.urls import path, reverse
from django.utils import translation
from django.views.defaults import server_error
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from accounts.language import BrowserLanguageMiddleware
from accounts.tasks import send_password_reset_email
from config.html import day_text
from courses.assigning import send_due_date_moved_email
from courses.models import Assignment, ReminderLog
from courses.tasks import send_once
from pairs.invitations import send_welcome
from reporting.reminders import send_admin_digest
from tests.page_factories import make_course
from workspace.models import Notification
from workspace.notifications import notify, send_daily_summaries

pytestmark = pytest.mark.django_db

SPANISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "es-US,es;q=0.9,en;q=0.5"}
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def speaks(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


# Pages ----------------------------------------------------------------------------


def test_before_sign_in_the_browser_chooses(client):
    spanish = client.get(reverse("account_login"), **SPANISH_BROWSER)
    assert '<html lang="es">' in spanish.text
    assert spanish.headers["Content-Language"] == "es"
    assert "Iniciar sesión" in spanish.text
    assert "Use su correo del trabajo" in spanish.text

    english = client.get(reverse("account_login"), **ENGLISH_BROWSER)
    assert '<html lang="en">' in english.text
    assert "Sign In" in english.text


# A URLconf with language prefixes, which Tandem's has not: there
# BrowserLanguageMiddleware leaves everything to Django's LocaleMiddleware.
urlpatterns = i18n_patterns(path("learning/", lambda request: HttpResponse()))

BROWSERS = [
    {},
    SPANISH_BROWSER,
    ENGLISH_BROWSER,
    {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"},
    {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=es"},
    {**ENGLISH_BROWSER, "HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=es"},
    {**SPANISH_BROWSER, "HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=xx"},
]


@pytest.mark.parametrize("prefixes", [False, True], ids=["tandem's URLs", "i18n_patterns"])
@pytest.mark.parametrize("url", ["/learning/", "/es/learning/", "/robots.txt"])
@pytest.mark.parametrize("browser", BROWSERS)
def test_the_browsers_language_is_found_as_djangos_locale_middleware_finds_it(
    rf, prefixes, url, browser
):
    def answer(middleware_class):
        request = rf.get(url, **browser)
        if prefixes:
            request.urlconf = __name__
        middleware = middleware_class(lambda request: HttpResponseNotFound())
        response = middleware(request)
        chosen = (request.LANGUAGE_CODE, translation.get_language())
        translation.deactivate()
        headers = ("Location", "Vary", "Content-Language")
        return chosen, response.status_code, [response.get(name) for name in headers]

    assert answer(BrowserLanguageMiddleware) == answer(LocaleMiddleware)


def test_the_sign_in_page_offers_the_other_language_named_in_itself(client):
    page = client.get(reverse("account_login"), **ENGLISH_BROWSER).text
    assert f'action="{reverse("switch_language")}"' in page
    assert '<button type="submit" name="language" value="es" lang="es"' in page
    assert 'value="en" lang="en"' not in page  # the language already shown is not offered


def test_a_persons_choice_wins_over_their_browser(client, para, teacher):
    client.force_login(speaks(para, "es"))
    page = client.get(reverse("my_account"), **ENGLISH_BROWSER)
    assert '<html lang="es">' in page.text
    assert "Sobre usted" in page.text
    assert "Guardar mis datos" in page.text

    client.force_login(speaks(teacher, "en"))
    page = client.get(reverse("my_account"), **SPANISH_BROWSER)
    assert '<html lang="en">' in page.text
    assert "About you" in page.text


def test_the_account_page_names_each_language_in_itself(client, para):
    client.force_login(para)
    page = client.get(reverse("my_account"), **ENGLISH_BROWSER).text
    assert '<option value="es" lang="es">Español</option>' in page


def test_the_page_not_found_in_spanish(client):
    response = client.get("/no-such-page/", **SPANISH_BROWSER)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Página no encontrada" in response.text


def test_the_admin_home_in_the_administrators_language(client, district):
    admin = speaks(district.school_admin, "es")
    client.force_login(admin)
    home = client.get(reverse("wagtailadmin_home"), **ENGLISH_BROWSER)
    assert home.status_code == HTTPStatus.OK
    assert '<html lang="es"' in home.text
    assert "Parejas que necesitan atención" in home.text

    client.force_login(district.district_admin)
    home = client.get(reverse("wagtailadmin_home"), **SPANISH_BROWSER)
    # Nobody chose: the browser decides in the admin as on the site.
    assert "Parejas que necesitan atención" in home.text

    client.force_login(speaks(district.district_admin, "en"))
    home = client.get(reverse("wagtailadmin_home"), **SPANISH_BROWSER)
    assert "Pairs needing attention" in home.text


# The switch -----------------------------------------------------------------------


def test_the_switch_sets_the_cookie_and_goes_back_to_the_page(client):
    response = client.post(
        reverse("switch_language"), {"language": "es", "next": "/accounts/login/?next=/x/"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == "/accounts/login/?next=/x/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    # The cookie outranks the browser from then on.
    assert "Iniciar sesión" in client.get(reverse("account_login"), **ENGLISH_BROWSER).text


def test_the_switch_saves_a_signed_in_persons_choice(client, para):
    UserProfile.get_for_user(para)
    client.force_login(para)
    client.post(reverse("switch_language"), {"language": "es", "next": reverse("my_account")})
    para.refresh_from_db()
    assert para.language == "es"
    assert UserProfile.get_for_user(para).preferred_language == "es"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/path"])
def test_the_switch_goes_nowhere_outside_the_site(client, next_url):
    response = client.post(reverse("switch_language"), {"language": "es", "next": next_url})
    assert response.url == "/"


def test_the_switch_ignores_a_language_tandem_does_not_speak(client, para):
    speaks(para, "es")
    client.force_login(para)
    client.post(reverse("switch_language"), {"language": "xx", "next": "/"})
    para.refresh_from_db()
    assert para.language == "es"


def test_the_switch_refuses_a_get(client):
    assert client.get(reverse("switch_language")).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_wagtails_admin_language_and_the_persons_are_one_choice(district):
    admin = district.school_admin
    speaks(admin, "es")
    profile = UserProfile.get_for_user(admin)
    # A new profile starts from the person's language...
    assert profile.preferred_language == "es"
    # ...the account page's choice reaches it...
    speaks(admin, "en")
    profile.refresh_from_db()
    assert profile.preferred_language == "en"
    # ...and Wagtail's own account page changes the person's.
    profile.preferred_language = "es"
    profile.save()
    admin.refresh_from_db()
    assert admin.language == "es"


# Emails ---------------------------------------------------------------------------


@pytest.fixture
def assignment(district):
    course = make_course("Stronger Together", modules=1)
    return Assignment.objects.create(
        user=speaks(district.para, "es"), page=course, due_on=datetime.date(2026, 12, 2)
    )


def test_reminders_in_the_recipients_language(assignment):
    with translation.override("en"):  # the worker, or an English-speaking administrator
        for kind in (ReminderLog.Kind.ASSIGNED, ReminderLog.Kind.DUE_SOON):
            assert send_once(assignment.pk, kind, assignment.due_on)
    assigned, due_soon = mail.outbox
    assert assigned.subject.endswith("Nuevo para usted: Stronger Together, para el 2 de diciembre")
    assert "Le pidieron completar" in assigned.body
    assert "miércoles 2 de diciembre de 2026" in assigned.body
    assert "Vence pronto" in due_soon.subject
    assert "Un recordatorio" in due_soon.body


def test_a_moved_due_date_in_the_recipients_language(assignment):
    with translation.override("en"):
        send_due_date_moved_email.call(assignment.pk, "2026-11-30", "2026-12-02")
    [moved] = mail.outbox
    assert "Nueva fecha límite" in moved.subject
    assert "(antes era el lunes 30 de noviembre de 2026)" in moved.body


def test_an_english_speaker_gets_english_whatever_the_sender_speaks(district):
    course = make_course("Stronger Together", modules=1)
    teacher = speaks(district.teacher, "en")
    assignment = Assignment.objects.create(
        user=teacher, page=course, due_on=datetime.date(2026, 12, 2)
    )
    with translation.override("es"):
        send_once(assignment.pk, ReminderLog.Kind.ASSIGNED, assignment.due_on)
        send_welcome.call(teacher.pk)
    assigned, welcome = mail.outbox
    assert "New for you: Stronger Together, due December 2" in assigned.subject
    assert "Wednesday, December 2, 2026" in assigned.body
    assert welcome.subject.endswith("Welcome to Tandem: set your password")


def test_a_partners_notification_and_summary_in_the_recipients_language(
    district, django_capture_on_commit_callbacks
):
    para = speaks(district.para, "es")
    teacher = speaks(district.teacher, "en")
    para.email_notifications = "at_once"
    para.save(update_fields=["email_notifications"])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notify(
            district.pair,
            teacher,
            Notification.Kind.PLAN_CHANGED,
            week_of=datetime.date(2026, 11, 16),
        )
    [at_once] = mail.outbox
    assert at_once.to == [para.email]
    with translation.override("es"):
        changed_the_plan = str(Notification.Kind.PLAN_CHANGED.label)
    assert changed_the_plan != "changed your weekly plan"
    assert changed_the_plan in at_once.subject  # written for her, not in the actor's language
    assert "Hola," in at_once.body
    assert "Véalo en Tandem" in at_once.body

    para.email_notifications = "daily"
    para.save(update_fields=["email_notifications"])
    notify(
        district.pair, teacher, Notification.Kind.PLAN_CHANGED, week_of=datetime.date(2026, 11, 23)
    )
    with translation.override("en"):
        assert send_daily_summaries() == 1
    summary = mail.outbox[-1]
    assert "le espera" in summary.subject
    assert "Véalas en Tandem" in summary.body


def test_the_welcome_sent_by_an_english_speaking_administrator_is_in_spanish(
    client, district, django_capture_on_commit_callbacks
):
    para = speaks(district.para, "es")
    client.force_login(speaks(district.school_admin, "en"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:resend_invitation", args=[para.pk]), **ENGLISH_BROWSER
        )
    assert response.status_code == HTTPStatus.FOUND
    [welcome] = mail.outbox
    assert welcome.to == [para.email]
    assert "Le damos la bienvenida a Tandem: elija su contraseña" in welcome.subject
    assert "Su distrito le ha dado una cuenta" in welcome.body


def test_allauths_emails_in_the_recipients_language_not_the_browsers(client, district):
    para = speaks(district.para, "es")
    teacher = speaks(district.teacher, "en")
    client.post(reverse("account_reset_password"), {"email": para.email}, **ENGLISH_BROWSER)
    client.post(reverse("account_reset_password"), {"email": teacher.email}, **SPANISH_BROWSER)
    spanish, english = mail.outbox
    assert spanish.to == [para.email]
    assert "restablecer contraseña" in spanish.subject
    assert english.to == [teacher.email]
    assert "Password Reset" in english.subject


def test_the_weekly_digest_in_the_administrators_language(district):
    admin = speaks(district.school_admin, "es")
    with translation.override("en"):
        assert send_admin_digest.call(admin.pk, "2026-11-18")
    [digest] = mail.outbox
    assert digest.subject.endswith("Su resumen semanal de la semana del 16 de noviembre")
    assert "Así van sus escuelas esta semana." in digest.body
    assert "0 asignaciones atrasadas" in digest.body


def test_a_sign_in_code_in_the_recipients_language(client, district):
    para = speaks(district.para, "es")
    client.post(reverse("account_request_login_code"), {"email": para.email}, **ENGLISH_BROWSER)
    [code] = mail.outbox
    assert code.to == [para.email]
    assert "código" in code.subject.lower()


def test_tandems_admin_screens_in_the_administrators_language(client, district):
    client.force_login(speaks(district.school_admin, "es"))
    people = client.get(reverse("people:index"), **ENGLISH_BROWSER)
    assert people.status_code == HTTPStatus.OK
    assert "Agregar una persona" in people.text
    health = client.get(reverse("pair_reports:health"), **ENGLISH_BROWSER)
    assert "Salud de las parejas" in health.text


def test_the_server_error_page_in_the_language_of_the_request(rf):
    with translation.override("es"):
        page = server_error(rf.get("/")).content.decode()
    assert '<html lang="es">' in page
    assert "Algo salió mal" in page


def test_an_email_names_the_work_by_its_title_in_the_recipients_language(assignment, settings):
    settings.WAGTAIL_I18N_ENABLED = True
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    translation_of_course = assignment.page.copy_for_translation(spanish, copy_parents=True)
    translation_of_course.title = "Más fuertes juntos"
    translation_of_course.save_revision().publish()
    assert send_once(assignment.pk, ReminderLog.Kind.ASSIGNED, assignment.due_on)
    [assigned] = mail.outbox
    assert "Nuevo para usted: Más fuertes juntos" in assigned.subject
    assert "“Más fuertes juntos”" in assigned.body


def test_a_sign_in_code_for_someone_who_chose_no_language_follows_their_browser(client, district):
    para = district.para
    assert para.language == ""
    client.post(reverse("account_request_login_code"), {"email": para.email}, **SPANISH_BROWSER)
    [code] = mail.outbox
    assert "código" in code.subject.lower()


def test_a_queued_reset_link_is_written_in_the_language_it_was_asked_in(district):
    para, teacher = district.para, speaks(district.teacher, "en")
    # The worker runs in the site's language; the request's travels with the task.
    assert send_password_reset_email.call(para.pk, para.email, "es")
    assert send_password_reset_email.call(teacher.pk, teacher.email, "es")
    chose_nothing, chose_english = mail.outbox
    assert "restablecer contraseña" in chose_nothing.subject
    assert "Password Reset" in chose_english.subject


# Days written on the pages -------------------------------------------------------


def test_a_day_is_written_in_the_language_of_each_page_however_often_it_is_asked():
    """``config.html.day_text`` keeps what it wrote for each language: a Spanish page
    never gets an English day from an English page before it, or the other way."""
    day = datetime.date(2026, 12, 4)
    for _round in range(2):
        with translation.override("en"):
            assert (day_text(day, "MONTH_DAY_FORMAT"), day_text(day, "l")) == (
                "December 4",
                "Friday",
            )
            assert day_text(day) == "Dec. 4, 2026"
        with translation.override("es"):
            assert (day_text(day, "MONTH_DAY_FORMAT"), day_text(day, "l")) == (
                "4 de diciembre",
                "viernes",
            )
            assert day_text(day) == "4 de diciembre de 2026"


def test_a_days_text_follows_a_changed_format(settings):
    day = datetime.date(2026, 12, 4)
    with translation.override(None):
        settings.MONTH_DAY_FORMAT = "F j"
        assert day_text(day, "MONTH_DAY_FORMAT") == "December 4"
        settings.MONTH_DAY_FORMAT = "j/n"
        assert day_text(day, "MONTH_DAY_FORMAT") == "4/12"


def test_a_moment_is_refused_for_its_day_depends_on_the_time_zone():
    moment = datetime.datetime(2026, 12, 4, 23, 30, tzinfo=datetime.UTC)
    with pytest.raises(TypeError):
        day_text(moment)
