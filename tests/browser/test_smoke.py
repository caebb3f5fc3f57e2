"""The front door in a real browser: a para signs in on a phone and lands on My learning."""

import pytest

from tests.browser.helpers import scrolls_sideways, sign_in
from tests.factories import PASSWORD, ParaFactory
from tests.page_factories import home_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_para_signs_in_on_a_phone_and_reaches_my_learning(phone_page):
    home_page()
    ParaFactory(email="gabe@example.org", first_name="Gabe")
    phone_page.goto("/")
    assert not scrolls_sideways(phone_page)
    phone_page.get_by_role("link", name="Sign in").first.click()
    sign_in(phone_page, "gabe@example.org", PASSWORD)
    assert phone_page.url.endswith("/learning/")
    assert phone_page.get_by_role("heading", name="My learning").is_visible()
