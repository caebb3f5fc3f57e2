"""On a phone, titles wrap between words; a page with a flash message passes axe."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courses.assigning import assign
from courses.models import CoursePage, ModulePage
from tests.browser import scenario
from tests.browser.helpers import PHONE, serious_accessibility_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Each word of an element's own text (a hyphen ends a word: "small-" and "group" may
# sit on two lines), with how many lines it spans: 1 unless the browser broke the
# word itself. Text in child elements is checked when the child is.
WORDS_SPLIT_ACROSS_LINES = """element => {
    const split = [];
    for (const text of element.childNodes) {
        if (text.nodeType !== Node.TEXT_NODE) continue;
        for (const match of text.data.matchAll(/[^\\s-]+-?/g)) {
            const range = document.createRange();
            range.setStart(text, match.index);
            range.setEnd(text, match.index + match[0].length);
            const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
            if (tops.size > 1) split.push(match[0]);
        }
    }
    return split;
}"""
TITLES = "h1, h2, h3, h4, [class*='__title'], [class*='__title'] a"


def test_titles_wrap_between_words_at_375_px(world, signed_in):
    for course in CoursePage.objects.live():
        assign(course, [world.para], timezone.localdate(), "", world.school_admin)
    longest = max(ModulePage.objects.live(), key=lambda module: len(module.title))
    phone_page = signed_in(world.para, **PHONE).new_page()
    split = {}
    for url in [reverse("my_learning"), longest.get_parent().url, longest.url]:
        phone_page.goto(url)
        expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
        for title in phone_page.locator(TITLES).all():
            if words := title.evaluate(WORDS_SPLIT_ACROSS_LINES):
                split[f"{url}: {title.inner_text()}"] = words
    assert split == {}


def test_the_sign_in_message_is_a_list_in_a_live_region_and_axe_clean(world, page):
    para = get_user_model().objects.get(pk=world.para.pk)
    page.goto("/accounts/login/")
    page.get_by_label("Login").fill(world.login(para))
    page.get_by_label("Password").fill(scenario.PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    message = page.get_by_role("status").get_by_role("listitem")
    expect(message).to_have_text(f"Welcome back, {para.get_full_name()}. You are signed in.")
    assert serious_accessibility_violations(page) == []
