"""``config.reversing.url_of`` links as ``reverse`` does, whatever changes what
``reverse`` answers: the ids, the URLconf, the script prefix."""

import pytest
from django.urls import clear_script_prefix, path, reverse, set_script_prefix, set_urlconf
from django.utils import translation

from config.reversing import url_of


def view(request, **kwargs):  # pragma: no cover - only linked to, never requested
    raise AssertionError


# A URLconf of this module's own, where the pair page is somewhere else.
urlpatterns = [
    path("elsewhere/<int:pk>/", view, name="pair_detail"),
    path("<int:pair_id>/then/<int:pk>/", view, name="pair_action_record"),
]

VIEWS_AND_IDS = [
    ("pair_detail", (7,)),
    ("pair_detail", (123456,)),
    ("pair_action_confirm", (3, 41)),
    ("pair_action_record", (41, 3)),
    ("drilldowns:person", (9,)),
    ("privacy:pair_access", (0,)),
    ("people:edit", (12,)),
]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("viewname", "ids"), VIEWS_AND_IDS)
def test_a_link_is_reverses(viewname, ids, language):
    with translation.override(language):
        assert url_of(viewname, *ids) == reverse(viewname, args=ids)


def test_each_id_goes_to_its_own_place():
    first = url_of("pair_action_record", 5, 6)
    assert first == reverse("pair_action_record", args=[5, 6])
    assert url_of("pair_action_record", 6, 5) == reverse("pair_action_record", args=[6, 5])
    assert first != url_of("pair_action_record", 6, 5)


def test_a_changed_urlconf_is_seen(settings):
    before = url_of("pair_detail", 4)
    settings.ROOT_URLCONF = "tests.test_reversing"
    assert url_of("pair_detail", 4) == "/elsewhere/4/"
    assert url_of("pair_action_record", 1, 2) == "/1/then/2/"
    settings.ROOT_URLCONF = "config.urls"
    assert url_of("pair_detail", 4) == before


def test_a_requests_own_urlconf_is_seen():
    before = url_of("pair_detail", 4)
    set_urlconf("tests.test_reversing")
    try:
        assert url_of("pair_detail", 4) == "/elsewhere/4/"
    finally:
        set_urlconf(None)
    assert url_of("pair_detail", 4) == before


def test_a_script_prefix_is_seen():
    before = url_of("pair_detail", 4)
    set_script_prefix("/tandem/")
    try:
        assert url_of("pair_detail", 4) == "/tandem" + before
    finally:
        clear_script_prefix()
    assert url_of("pair_detail", 4) == before


@pytest.mark.parametrize("argument", ["4", True, -4, 4.0, None])
def test_only_ids_are_taken(argument):
    with pytest.raises(TypeError):
        url_of("pair_detail", argument)
