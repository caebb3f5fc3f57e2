"""Journey 5: an editor changes a module in the Wagtail admin, previews it and
publishes it; the para sees the change only once it is published."""

import pytest
from playwright.sync_api import expect

from tests.browser import scenario
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW_SUMMARY = "Who does what in five everyday tasks, and how to settle a who-does-this question."


def open_module_editor(page, world, title: str) -> None:
    sign_in(page, world.login(world.editor), scenario.PASSWORD)
    page.goto("/admin/")
    page.get_by_placeholder("Search all pages…").fill(title)
    page.keyboard.press("Enter")
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page.get_by_role("textbox", name="Summary")).to_be_visible()


def test_editor_previews_and_publishes_a_change_that_the_para_then_sees(world, new_context):
    module = scenario.module()
    para = new_context().new_page()
    sign_in(para, world.login(world.para), scenario.PASSWORD)
    para.goto(module.url)
    expect(para.get_by_text(module.summary)).to_be_visible()

    editor = new_context().new_page()
    open_module_editor(editor, world, module.title)
    editor.get_by_role("textbox", name="Summary").fill(NEW_SUMMARY)
    editor.get_by_role("button", name="Toggle preview").click()
    with editor.context.expect_page() as preview_tab:
        editor.get_by_role("link", name="Preview in new tab").click()
    preview = preview_tab.value
    expect(preview.get_by_text(NEW_SUMMARY)).to_be_visible()
    expect(preview.get_by_text("Nothing is recorded in a preview.")).to_be_visible()

    # A preview is not published: the para still reads the live version.
    para.reload()
    expect(para.get_by_text(module.summary)).to_be_visible()
    expect(para.get_by_text(NEW_SUMMARY)).to_have_count(0)

    editor.bring_to_front()
    editor.get_by_role("button", name="More actions").click()
    editor.get_by_role("button", name="Publish", exact=True).click()
    expect(editor.locator(".messages")).to_contain_text(
        f"Page '{module.title}' has been published."
    )

    para.reload()
    expect(para.get_by_text(NEW_SUMMARY)).to_be_visible()
    expect(para.get_by_text(module.summary)).to_have_count(0)


def test_the_preview_panel_shows_the_draft_beside_the_editor(world, page):
    module = scenario.module()
    open_module_editor(page, world, module.title)
    page.get_by_role("textbox", name="Summary").fill(NEW_SUMMARY)
    page.get_by_role("button", name="Toggle preview").click()
    # Wagtail loads each preview into a second iframe, then swaps it in: read the newest.
    panel = page.frame_locator("iframe[title='Preview']").last
    expect(panel.get_by_text(NEW_SUMMARY)).to_be_visible(timeout=5_000)
