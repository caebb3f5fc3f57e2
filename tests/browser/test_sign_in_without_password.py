"""On a 375 px phone: signing in by a code from one's email, and setting up an
account from a one-time set-up link; and My account, checked by axe on a phone
and on a laptop."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts import setup_links
from config.settings.sign_in import sign_in_providers
from tests.browser.helpers import LAPTOP, PHONE, scrolls_sideways, serious_accessibility_violations
from tests.factories import PASSWORD, ParaFactory, SchoolFactory, UserFactory, school_admin_for
from tests.page_factories import home_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CODE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.MULTILINE)


def problems_on(page) -> list[str]:
    problems = serious_accessibility_violations(page)
    if scrolls_sideways(page):
        problems.append("scrolls sideways")
    return problems


def test_a_para_signs_in_with_a_code_from_their_email_on_a_phone(phone_page):
    home_page()
    para = ParaFactory(email="ana.ruiz@lakeview.k12.us")
    para.set_unusable_password()
    para.save()
    page = phone_page
    found = {}

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Email me a sign-in code").click()
    found["request code"] = problems_on(page)
    page.get_by_label("Email").fill(para.email)
    page.get_by_role("button", name="Request Code").click()
    expect(page.get_by_role("heading", name="Enter Sign-In Code")).to_be_visible()
    found["enter code"] = problems_on(page)

    # The live server runs in this process: its outbox is this one.
    code = CODE.search(mail.outbox[-1].body).group(1)
    assert mail.outbox[-1].to == [para.email]
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    assert found == {"request code": [], "enter code": []}


def test_a_para_without_email_sets_up_their_account_from_a_set_up_link_on_a_phone(phone_page):
    home_page()
    administrator = UserFactory(username="district.admin")
    para = ParaFactory(username="mrivera", first_name="Marta", email="")
    para.set_unusable_password()
    para.save()
    token = setup_links.issue(para, issued_by=administrator)
    page = phone_page
    new_password = "plaid-kettle-morning-7"

    page.goto(f"/accounts/setup/{token}/")
    expect(page.get_by_text("Welcome, Marta")).to_be_visible()
    expect(page.get_by_label("Your username (you sign in with it)")).to_have_value("mrivera")
    found = {"set-up page": problems_on(page)}
    page.get_by_label(re.compile(r"^New password:?$")).fill(new_password)
    page.get_by_label("New password confirmation").fill(new_password)
    page.get_by_role("button", name="Save my password and sign in").click()

    expect(page.get_by_role("heading", name="My learning")).to_be_visible()

    # The link worked once; the password works from now on.
    page.goto(f"/accounts/setup/{token}/")
    expect(page.get_by_role("heading", name="This set-up link does not work")).to_be_visible()
    found["spent link"] = problems_on(page)
    assert found == {"set-up page": [], "spent link": []}
    para.refresh_from_db()
    assert para.check_password(new_password)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_my_account_and_the_email_page_pass_axe(signed_in, viewport):
    home_page()
    para = ParaFactory(password=PASSWORD)
    page = signed_in(para, **viewport).new_page()
    found = {}

    page.goto("/accounts/me/")
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    found["my account"] = problems_on(page)
    page.get_by_role("combobox", name="Language").select_option("en")  # not the header switch
    page.get_by_label("One summary a day").check()
    page.get_by_role("button", name="Save my details").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    found["my account, saved"] = problems_on(page)

    page.goto("/accounts/email/")
    page.get_by_label("Email").fill("ana.home@example.net")
    page.get_by_role("button", name="Add this address").click()
    expect(
        page.get_by_role("button", name="Remove ana.home@example.net from my account")
    ).to_be_visible()
    found["email addresses"] = problems_on(page)

    for path in ("/accounts/3rdparty/", "/accounts/sessions/", "/accounts/2fa/"):
        page.goto(path)
        found[path] = problems_on(page)

    assert {name: problems for name, problems in found.items() if problems} == {}
    para.refresh_from_db()
    assert (para.language, para.email_notifications) == ("en", "daily")


def test_the_sign_in_page_with_every_provider_switched_on_passes_axe(new_context, settings):
    home_page()
    settings.SOCIALACCOUNT_PROVIDERS = sign_in_providers(
        {
            "DISTRICT_EMAIL_DOMAINS": "lakeview.k12.us",
            **{
                f"{name}_CLIENT_ID": "id" for name in ("GOOGLE", "MICROSOFT", "CLEVER", "CLASSLINK")
            },
            **{
                f"{name}_CLIENT_SECRET": "s"
                for name in ("GOOGLE", "MICROSOFT", "CLEVER", "CLASSLINK")
            },
            "MICROSOFT_TENANT_ID": "7f3c1a52-0d4e-4b8a-9c61-2f5e8d9b0a17",
            "CLEVER_DISTRICT_ID": "5b2ad81a709e300001e2cd7a",
        }
    )
    found = {}
    for name, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        page = new_context(**viewport).new_page()
        page.goto("/accounts/login/")
        for provider in ("Google", "Microsoft", "Clever", "ClassLink"):
            expect(page.get_by_role("button", name=f"Sign in with {provider}")).to_be_visible()
        found[name] = problems_on(page)

    assert found == {"phone": [], "laptop": []}


def test_an_administrator_shows_a_set_up_link_that_a_para_opens_on_their_phone(
    signed_in, new_context
):
    home_page()
    school = SchoolFactory(name="Maple")
    administrator = school_admin_for(school, username="maple.admin")
    para = ParaFactory(username="jlee", first_name="Jun", email="")
    para.set_unusable_password()
    para.save()
    school.members.add(para)

    admin_page = signed_in(administrator, **LAPTOP).new_page()
    # The person's screen offers it under "More" (tests/test_sign_in_without_password.py).
    admin_page.goto(reverse("people_setup_link", args=[para.pk]))
    admin_page.get_by_role("button", name="Make a set-up link").click()
    expect(admin_page.get_by_text("Username: jlee")).to_be_visible()
    expect(admin_page.locator("figure svg")).to_be_visible()
    setup_url = admin_page.locator("section.setup-link a").first.inner_text()

    phone = new_context(**PHONE).new_page()
    # BASE_URL under the test settings is the test client's host; the path is the link.
    phone.goto(setup_url.replace("http://testserver", ""))
    phone.get_by_label(re.compile(r"^New password:?$")).fill("lantern-orchard-19")
    phone.get_by_label("New password confirmation").fill("lantern-orchard-19")
    phone.get_by_role("button", name="Save my password and sign in").click()

    expect(phone.get_by_role("heading", name="My learning")).to_be_visible()
