"""What Wagtail writes around every admin page, kept once written
(``content.admin_furniture``): the same as Wagtail's own tags write."""

import pytest
from django.contrib.auth.models import Permission
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from wagtail.admin.templatetags import wagtailadmin_tags
from wagtail.users.models import UserProfile

from content import admin_furniture


def context_for(person) -> dict:
    request = RequestFactory().get("/admin/")
    # Read afresh, as each request reads its person: permissions are kept on the instance.
    request.user = type(person).objects.get(pk=person.pk)
    return {"request": request}


def wagtails(person) -> str:
    return wagtailadmin_tags.sidebar_props(context_for(person))


def tandems(person) -> str:
    return admin_furniture.sidebar_props(context_for(person))


@pytest.fixture
def nothing_kept():
    for kept in (admin_furniture.sidebars, admin_furniture.shortcut_dialogs):
        kept.clear()
    yield admin_furniture.sidebars
    for kept in (admin_furniture.sidebars, admin_furniture.shortcut_dialogs):
        kept.clear()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    "who", ["district_admin", "school_admin", "editor", "superuser", "teacher"]
)
def test_the_props_are_wagtails_packed_or_kept(
    district, django_user_model, nothing_kept, who, language
):
    person = (
        django_user_model.objects.create_superuser("root", "root@example.org", "x")
        if who == "superuser"
        else getattr(district, who)
    )
    with translation.override(language):
        expected = wagtails(person)
        assert tandems(person) == expected  # packed
        assert len(nothing_kept.written) == 1
        assert tandems(person) == expected  # kept


def test_a_menu_that_differs_is_packed_afresh(district, nothing_kept):
    """Whatever the sidebar shows is part of the key: a permission that adds an item,
    the person's name, the reader's language."""
    editor = district.editor
    before = tandems(editor)

    editor.user_permissions.add(Permission.objects.get(codename="add_user"))
    assert tandems(editor) == wagtails(editor) != before

    editor.first_name = "Renata"
    editor.save()
    renamed = tandems(editor)
    assert '"name": "Renata"' in renamed and renamed == wagtails(editor)

    with translation.override("es"):
        assert tandems(editor) == wagtails(editor) != renamed
    assert len(nothing_kept.written) == 4


def test_a_value_it_cannot_describe_is_written_every_time(nothing_kept):
    class Stranger:
        """A component from elsewhere, which might pack to anything."""

    written = []
    with pytest.raises(admin_furniture.Unkeyable):
        admin_furniture.described([Stranger()])
    for _ in range(2):
        assert nothing_kept.writing([Stranger()], lambda: written.append(1) or "<script>") == (
            "<script>"
        )
    assert len(written) == 2 and not nothing_kept.written


def test_admin_pages_use_it(client, district, nothing_kept):
    client.force_login(district.district_admin)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="wagtail-sidebar-props"' in page
    assert len(nothing_kept.written) == 1


# The keyboard-shortcuts dialog ----------------------------------------------------------

MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15"
WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def dialog_context(person, user_agent) -> Context:
    request = RequestFactory().get("/admin/", headers={"user-agent": user_agent})
    request.user = type(person).objects.get(pk=person.pk)
    context = Context({"request": request})
    context.template = Template("")
    return context


def wagtails_dialog(person, user_agent) -> str:
    """What Wagtail's inclusion tag renders: its template with its function's values."""
    values = wagtailadmin_tags.keyboard_shortcuts_dialog(dialog_context(person, user_agent))
    return render_to_string("wagtailadmin/shared/keyboard_shortcuts_dialog.html", values)


def tandems_dialog(person, user_agent) -> str:
    return admin_furniture.keyboard_shortcuts_dialog(dialog_context(person, user_agent))


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_shortcuts_dialog_is_wagtails_for_each_keyboard_and_setting(
    district, nothing_kept, language
):
    editor = district.editor
    kept = admin_furniture.shortcut_dialogs
    with translation.override(language):
        mac, windows = wagtails_dialog(editor, MAC), wagtails_dialog(editor, WINDOWS)
        assert mac != windows  # "⌘" against "Ctrl"
        for _ in range(2):  # written, then kept
            assert tandems_dialog(editor, MAC) == mac
            assert tandems_dialog(editor, WINDOWS) == windows
        assert len(kept.written) == 2

        profile = UserProfile.get_for_user(editor)
        profile.keyboard_shortcuts = False
        profile.save()
        switched_off = wagtails_dialog(editor, MAC)
        assert switched_off != mac
        assert tandems_dialog(editor, MAC) == switched_off
        assert len(kept.written) == 3


def test_the_shortcuts_dialog_follows_the_language(district, nothing_kept):
    with translation.override("en"):
        english = tandems_dialog(district.editor, MAC)
    with translation.override("es"):
        spanish = tandems_dialog(district.editor, MAC)
        assert spanish == wagtails_dialog(district.editor, MAC) != english


def test_admin_pages_write_the_dialog_here(client, district, nothing_kept):
    client.force_login(district.district_admin)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="keyboard-shortcuts-dialog"' in page
    assert len(admin_furniture.shortcut_dialogs.written) == 1
