"""The admin sidebar's props, kept once packed (``content.sidebar``), are Wagtail's own."""

import pytest
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from wagtail.admin.templatetags import wagtailadmin_tags

from content import sidebar


def context_for(person) -> dict:
    request = RequestFactory().get("/admin/")
    # Read afresh, as each request reads its person: permissions are kept on the instance.
    request.user = type(person).objects.get(pk=person.pk)
    return {"request": request}


def wagtails(person) -> str:
    return wagtailadmin_tags.sidebar_props(context_for(person))


def tandems(person) -> str:
    return sidebar.sidebar_props(context_for(person))


@pytest.fixture
def nothing_kept():
    sidebar.packed_menus.clear()
    yield sidebar.packed_menus
    sidebar.packed_menus.clear()


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


def test_a_value_it_cannot_describe_is_packed_every_time(nothing_kept, monkeypatch):
    class Stranger:
        """A component from elsewhere, which might pack to anything."""

    packed = []
    monkeypatch.setattr(sidebar, "write", lambda modules: packed.append(modules) or "<script>")
    with pytest.raises(sidebar.Unkeyable):
        sidebar.described([Stranger()])
    for _ in range(2):
        assert nothing_kept.props([Stranger()]) == "<script>"
    assert len(packed) == 2 and not nothing_kept.written


def test_admin_pages_use_it(client, district, nothing_kept):
    client.force_login(district.district_admin)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="wagtail-sidebar-props"' in page
    assert len(nothing_kept.written) == 1
