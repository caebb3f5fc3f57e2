"""What Wagtail writes around every admin page, kept once written: the sidebar's
props and the keyboard-shortcuts dialog.

Every admin page carries the sidebar's menu as JSON for the browser, which
Wagtail's ``{% sidebar_props %}`` tag builds on each request: it asks every search
area whether to show itself (then uses only the first), asks every menu item, and
packs the 30-odd items through telepath, about 7 ms for a district administrator.
Its ``{% keyboard_shortcuts_dialog %}`` renders the same dialog of 25 shortcuts
through a template each time, about 1.7 ms.

The tags here write the same, with less done each time:

- The sidebar stops at the first search area shown, the only one it uses.
- Both work out what to show as Wagtail does (the sidebar asks every menu item;
  the dialog reads the person's settings and their keyboard's key names), so
  what is shown is always Wagtail's. Only the writing is kept, keyed by what is
  written (each item's name, label in the reader's language, URL and
  attributes, the person's name and picture; each shortcut), so anything that
  differs is written afresh, and nothing needs forgetting.

``use_kept_furniture`` (from the app's ``ready``) registers the two tags in
Wagtail's ``wagtailadmin_tags`` library in place of its own, before any template
is read. (A library of Tandem's own under that name, through the ``TEMPLATES``
setting's ``libraries``, would do the same, but Django's check ``templates.W003``
refuses two modules under one name.)
``tests/test_admin_furniture.py`` holds them to Wagtail's tags for each kind of
person, in English and Spanish.

Written from Wagtail 8.0.1's ``sidebar_props`` and ``keyboard_shortcuts_dialog``:
https://github.com/wagtail/wagtail/blob/v8.0.1/wagtail/admin/templatetags/wagtailadmin_tags.py
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import json_script
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import admin_menu
from wagtail.admin.search import admin_search_areas
from wagtail.admin.telepath import JSContext
from wagtail.admin.templatetags import wagtailadmin_tags
from wagtail.admin.ui import sidebar

SIDEBAR_ELEMENT_ID = "wagtail-sidebar-props"
SHORTCUTS_TEMPLATE = "wagtailadmin/shared/keyboard_shortcuts_dialog.html"


class Unkeyable(Exception):
    """A value this module does not know how to describe."""


def described(value):
    """What ``value`` is written from, as a hashable key: its kind and its contents,
    with lazy text in the current language. A value of another kind raises
    ``Unkeyable``, and it is then written as Wagtail writes it.

    Telepath writes an object met twice as a reference to the first, by
    identity; two equal menus may differ in where it does so, which the browser
    unpacks to the same props."""
    if isinstance(value, str):
        return value
    if isinstance(value, Promise):
        return str(value)
    if value is None or isinstance(value, (bool, int, float)):
        return (type(value), value)
    if isinstance(value, (list, tuple)):
        return ("list", tuple(described(item) for item in value))
    if isinstance(value, dict):
        return ("dict", tuple((described(key), described(item)) for key, item in value.items()))
    # The sidebar's own components say what they pack to (``wagtail.admin.ui.sidebar``).
    if type(value).__module__ == sidebar.__name__ and hasattr(value, "js_args"):
        return (type(value), described(value.js_args()))
    raise Unkeyable(type(value))


class Kept:
    """What was written from recent values, the least recently used forgotten first.

    One entry for each distinct value written from: for the sidebar, each menu
    shown (the person's name and picture are part of it), a few kilobytes each.
    """

    def __init__(self, size: int = 256):
        self.size = size
        self.written: OrderedDict = OrderedDict()
        self.lock = Lock()

    def writing(self, value, write: Callable[[], str]) -> str:
        """``write()``, which writes ``value`` in the current language, or what it
        wrote before for the same."""
        try:
            key = (get_language(), described(value))
        except Unkeyable:
            return write()
        with self.lock:
            found = self.written.get(key)
            if found is not None:
                self.written.move_to_end(key)
                return found
        found = write()
        with self.lock:
            self.written[key] = found
            if len(self.written) > self.size:
                self.written.popitem(last=False)
        return found

    def clear(self) -> None:
        with self.lock:
            self.written.clear()


sidebars = Kept()
shortcut_dialogs = Kept(size=16)


def first_search_area(request):
    return next(
        (area for area in admin_search_areas.registered_search_areas if area.is_shown(request)),
        None,
    )


def sidebar_props(context) -> str:
    request = context["request"]
    search_area = first_search_area(request)
    account_menu = [
        sidebar.LinkMenuItem(
            "account", _("Account"), reverse("wagtailadmin_account"), icon_name="user"
        ),
        sidebar.ActionMenuItem(
            "logout", _("Log out"), reverse("wagtailadmin_logout"), icon_name="logout"
        ),
    ]
    modules = [
        sidebar.WagtailBrandingModule(),
        sidebar.SearchModule(search_area) if search_area else None,
        sidebar.MainMenuModule(admin_menu.render_component(request), account_menu, request.user),
    ]
    modules = [module for module in modules if module is not None]
    return sidebars.writing(
        modules,
        lambda: json_script({"modules": JSContext().pack(modules)}, element_id=SIDEBAR_ELEMENT_ID),
    )


def keyboard_shortcuts_dialog(context) -> str:
    # Wagtail's own tag is an inclusion tag: its function gives the template's values,
    # rendered here as its node renders them (in a new context from the page's).
    values = wagtailadmin_tags.keyboard_shortcuts_dialog(context)
    dialog = context.template.engine.get_template(SHORTCUTS_TEMPLATE)
    return shortcut_dialogs.writing(values, lambda: dialog.render(context.new(values)))


def use_kept_furniture() -> None:
    """Wagtail's admin templates call these two tags in place of its own. Its
    functions stay as they were under their names, for the tags here to call
    (the dialog) and for the tests to compare with."""
    for tag in (sidebar_props, keyboard_shortcuts_dialog):
        wagtailadmin_tags.register.simple_tag(tag, takes_context=True)
