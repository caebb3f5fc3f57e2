"""Sign-in and password reset take as long for an address that has an account as
for one that does not, so the time taken does not tell which addresses do."""

import re
import statistics
import time
from collections.abc import Callable
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django_tasks import task_backends

from tests.factories import PASSWORD, ParaFactory, UserFactory
from tests.security_helpers import (
    fresh_cache,  # noqa: F401 - autouse fixture
    is_signed_in,
    sign_in,
)

pytestmark = pytest.mark.django_db

TRIES = 20
# How much slower the known address may be, as a share of the unknown one's time.
# A second password hash doubled it (0.55 s against 0.30 s); waiting for the mail
# server multiplied it by ten (0.45 s against 0.04 s).
MARGIN = 0.25
# A reset for a known address still does a little more in the request than one
# for an unknown address: allauth makes the reset token (which records the
# address), and the task is written to the queue, about 3 ms in all here. It is
# lost in a network's jitter, and the reset_password rate limit allows five
# tries a minute for an address; the mail server's wait it replaced is not.
FLOOR = 0.01
KNOWN, UNKNOWN = "known@example.org", "nobody@example.org"
SLOW_MAIL_SECONDS = 0.2


class SlowEmailBackend(EmailBackend):
    """Django's test outbox behind a slow mail server."""

    def send_messages(self, messages):
        time.sleep(SLOW_MAIL_SECONDS)
        return super().send_messages(messages)


@pytest.fixture
def production_hasher(settings):
    """Django's default hasher (PBKDF2), as production uses, for the timings;
    the test settings' MD5 is too fast to show a difference."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.fixture
def no_rate_limits(settings):
    """Forty tries from one address would trip the limits, and a refusal
    answers before any password is checked."""
    settings.ACCOUNT_RATE_LIMITS = False


def median_seconds(attempt: Callable[[str], object]) -> dict[str, float]:
    """The median time of ``TRIES`` attempts with each address, taken in turn
    so that the machine's load weighs on both alike."""
    timings: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
    for _ in range(TRIES):
        for address, times in timings.items():
            start = time.perf_counter()
            attempt(address)
            times.append(time.perf_counter() - start)
    return {address: statistics.median(times) for address, times in timings.items()}


def assert_alike(medians: dict[str, float]) -> None:
    known, unknown = medians[KNOWN], medians[UNKNOWN]
    assert abs(known - unknown) <= max(MARGIN * unknown, FLOOR), (
        f"known {known:.4f} s, unknown {unknown:.4f} s"
    )


# Sign-in ----------------------------------------------------------------------------


def test_a_wrong_password_takes_as_long_for_a_known_address(
    client, production_hasher, no_rate_limits
):
    ParaFactory(email=KNOWN)

    medians = median_seconds(lambda login: sign_in(client, login, "not-the-password"))

    assert_alike(medians)
    assert not is_signed_in(client)


@pytest.fixture
def count_hashes(monkeypatch) -> list[str]:
    """Every password hashed (with the test settings' hasher), in order."""
    hashed: list[str] = []
    encode = MD5PasswordHasher.encode

    def counting_encode(self, password, salt):
        hashed.append(password)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)
    return hashed


def deactivated():
    return UserFactory(email=KNOWN, is_active=False)


def invited_not_yet_set_up():
    person = UserFactory(email=KNOWN)
    person.set_unusable_password()
    person.save()
    return person


SIGN_INS = {
    "address": (KNOWN, lambda: ParaFactory(email=KNOWN)),
    "address in capitals": (KNOWN.upper(), lambda: ParaFactory(email=KNOWN)),
    "username": ("gabe", lambda: ParaFactory(username="gabe")),
    "deactivated": (KNOWN, deactivated),
    "no password yet": (KNOWN, invited_not_yet_set_up),
    "unknown address": (UNKNOWN, lambda: None),
    "unknown username": ("nobody", lambda: None),
}


@pytest.mark.parametrize("case", SIGN_INS)
def test_every_sign_in_costs_one_password_hash(client, no_rate_limits, count_hashes, case):
    """The timing test's cause, counted exactly: allauth looked a typed address up
    as an address twice, and hashed a known account's password each time."""
    login, make_account = SIGN_INS[case]
    make_account()
    count_hashes.clear()

    sign_in(client, login, "not-the-password")

    # Django hashes a random string for an account without a usable password.
    assert len(count_hashes) == 1


def test_the_right_password_still_signs_in(client):
    para = ParaFactory(email=KNOWN)
    sign_in(client, KNOWN, PASSWORD)
    assert int(client.session["_auth_user_id"]) == para.pk


# Password reset ---------------------------------------------------------------------


@pytest.fixture
def slow_mail_and_a_real_queue(settings):
    """A mail server that takes its time, and production's task queue, which
    stores the task for the worker instead of running it there and then."""
    settings.EMAIL_BACKEND = f"{__name__}.SlowEmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def ask_for_a_reset(client, email: str):
    return client.post(reverse("account_reset_password"), {"email": email})


def test_a_reset_takes_as_long_for_a_known_address(
    client, slow_mail_and_a_real_queue, no_rate_limits
):
    from django_tasks_db.models import DBTaskResult

    ParaFactory(email=KNOWN)

    medians = median_seconds(lambda email: ask_for_a_reset(client, email))

    assert_alike(medians)
    # The known address's emails wait for the worker; nothing is sent in the request.
    assert DBTaskResult.objects.count() == TRIES
    assert mail.outbox == []


def test_the_queued_reset_email_sets_a_new_password(client):
    """The worker (here the test settings' immediate queue) writes the email,
    and its link works."""
    para = ParaFactory(email=KNOWN)

    response = ask_for_a_reset(client, KNOWN)

    assert response.status_code == HTTPStatus.FOUND
    [message] = mail.outbox
    assert message.to == [KNOWN]
    assert message.subject == "[Tandem] Password Reset Email"
    assert "Hello from Tandem!" in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", message.body)
    form = client.get(link.group(1), follow=True)
    assert form.status_code == HTTPStatus.OK
    client.post(
        form.redirect_chain[-1][0],
        {"password1": "a-brand-new-phrase", "password2": "a-brand-new-phrase"},
    )
    sign_in(client, KNOWN, "a-brand-new-phrase")
    assert int(client.session["_auth_user_id"]) == para.pk


def test_the_queue_holds_no_link_that_sets_a_password(client, settings):
    """Under production settings the queue is a database table, kept after the
    task runs: what it holds must not reset anyone's password."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    para = ParaFactory(email=KNOWN)

    ask_for_a_reset(client, KNOWN)

    [queued] = task_backends["default"].results
    # The person, the address and the language the reset was asked in: no link.
    assert tuple(queued.args) == (para.pk, KNOWN, "en") and queued.kwargs == {}
    assert mail.outbox == []


def deactivate(person) -> None:
    person.is_active = False
    person.save()


def take_the_address_away(person) -> None:
    person.email = "moved@example.org"
    person.save()
    EmailAddress.objects.filter(user=person, email=KNOWN).delete()


@pytest.mark.parametrize("since", [deactivate, take_the_address_away])
def test_a_reset_queued_before_a_change_sends_nothing(client, settings, since):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    para = ParaFactory(email=KNOWN)
    ask_for_a_reset(client, KNOWN)
    [queued] = task_backends["default"].results
    since(para)

    assert queued.task.call(*queued.args) is False
    assert mail.outbox == []
