"""Write a parsed curriculum into Wagtail as published course and module pages.

Pages are matched by slug under their parent, so a re-run updates rather than
duplicates. A page whose live content already equals its file is left alone,
which keeps a second run free of new revisions; a changed file gets exactly one
new published revision. Block ids are carried over by position so records that
point at a quiz question or a try-tomorrow action survive an edited file.

The files seed the site; once an editor has published a page in Wagtail, the
editor's version stands (``make run`` imports on every start) unless the import
is asked to overwrite it.

A translated course or module (``courses.curriculum.translations``) becomes the
Wagtail translation of its English page: the same ``translation_key`` and slug, in
its own locale, under the translation of the English parent, with every block id
taken from the English page's block in the same place, so that records and grading
are shared between the languages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from wagtail.fields import StreamField
from wagtail.log_actions import log
from wagtail.models import Locale, Page

from content.models import HomePage, default_content_language
from courses.curriculum.blocks import Block
from courses.curriculum.reader import Course, Module
from courses.curriculum.translations import Translation
from courses.models import CourseIndexPage, CoursePage, ModulePage

CREATED, UPDATED, UNCHANGED, KEPT = "created", "updated", "unchanged", "kept"

# The parts whose block ids records and grading read: a translation's follow the
# English page's (the other parts need not mirror it, so their ids are its own).
SHARED_IDS = ("precheck", "quiz", "actions")


@dataclass
class ImportSummary:
    """How many pages of each kind were created, updated or left unchanged."""

    overwrite: bool = False
    counts: Counter = field(default_factory=Counter)

    def add(self, model: type[Page], outcome: str) -> None:
        self.counts[(model, outcome)] += 1

    def count(self, outcome: str, model: type[Page] | None = None) -> int:
        return sum(
            n
            for (kind, done), n in self.counts.items()
            if done == outcome and model in (None, kind)
        )


def import_curriculum(
    courses: Sequence[Course],
    translations: Sequence[Translation] = (),
    overwrite: bool = False,
) -> ImportSummary:
    """Create or update every course and module page, then their translations, in
    one transaction.

    A page an editor has published since is kept as it is, unless ``overwrite``.
    """
    summary = ImportSummary(overwrite=overwrite)
    with transaction.atomic():
        # Locking the home page keeps two deploys running the import at once in turn.
        home = (
            HomePage.objects.select_for_update()
            .filter(locale__language_code=default_content_language())
            .get()
        )
        index = _course_index(home, summary)
        course_pages = {}
        for course in courses:
            course_page = _publish(index, CoursePage, course.slug, _course_fields(course), summary)
            module_pages = [
                _publish(course_page, ModulePage, module.slug, _module_fields(module), summary)
                for module in course.modules
            ]
            _keep_order(module_pages)
            course_pages[course.path.name] = course_page
        _keep_order(list(course_pages.values()))
        for language in translations:
            _import_translation(language, course_pages, summary)
    return summary


def _course_index(home: HomePage, summary: ImportSummary) -> CourseIndexPage:
    index = CourseIndexPage.objects.filter(locale_id=home.locale_id).first()
    if index is None:
        with translation.override(default_content_language()):
            fields = {"title": gettext("Courses")}
        index = _publish(home, CourseIndexPage, "courses", fields, summary)
    return index


def _import_translation(
    language: Translation, course_pages: dict[str, CoursePage], summary: ImportSummary
) -> None:
    """Each translated course and module as the translation of its English page."""
    locale, _ = Locale.objects.get_or_create(language_code=language.language)
    translated_courses = []
    for source_course, course in language.courses:
        source_page = course_pages[source_course.path.name]
        parent = _translation_of_parent(source_page, locale, summary)
        course_page = _publish_translation(
            source_page, parent, locale, _course_fields(course), summary
        )
        source_modules = {
            module.slug: module
            for module in ModulePage.objects.child_of(source_page).filter(
                slug__in=[module.slug for module in course.modules]
            )
        }
        _keep_order(
            [
                _publish_translation(
                    source_modules[module.slug],
                    course_page,
                    locale,
                    _module_fields(module),
                    summary,
                )
                for module in course.modules
            ]
        )
        translated_courses.append(course_page)
    _keep_order(translated_courses)


def _translation_of_parent(page: Page, locale: Locale, summary: ImportSummary) -> Page:
    """The course index in ``locale``, made (under the home page's translation, which
    a migration makes) with its title from the interface's translations."""
    index = page.get_parent().specific
    translated = index.get_translation_or_none(locale)
    if translated is not None:
        return translated
    home = index.get_parent().specific
    home_translation = home.get_translation_or_none(locale) or home.copy_for_translation(locale)
    with translation.override(locale.language_code):
        fields = {"title": gettext("Courses")}
    return _publish_translation(index, home_translation, locale, fields, summary)


def _publish_translation(
    source: Page, parent: Page, locale: Locale, fields: dict, summary: ImportSummary
) -> Page:
    """The translation of ``source`` in ``locale``, live with ``fields`` and the
    source's block ids; one revision if changed."""
    model = type(source)
    page = model.objects.filter(translation_key=source.translation_key, locale=locale).first()
    streams = _stored_streams(model, fields)
    for name in streams:
        # The English page's ids, not this page's last ones: grading and records
        # read them, and the two languages share both.
        _carry_ids(fields[name], _stream_data(model, name, getattr(source, name)))

    def new_page() -> Page:
        return model(
            slug=source.slug,
            locale=locale,
            translation_key=source.translation_key,
            live=False,
            **fields,
        )

    return _create_or_update(page, new_page, parent, fields, streams, summary, SHARED_IDS)


def _course_fields(course: Course) -> dict[str, Any]:
    return {"title": course.title, "intro": course.intro, "audience": course.audience}


def _module_fields(module: Module) -> dict[str, Any]:
    return {
        "title": module.title,
        "summary": module.summary,
        "objectives": [("objective", objective) for objective in module.objectives],
        "minutes": module.minutes,
        "pd_hours": module.pd_hours,
        "pass_mark": module.pass_mark,
        "precheck": _stream(module.precheck),
        "body": _stream(module.body),
        "quiz": _stream(module.quiz),
        "actions": _stream(module.actions),
        "model_answer": module.model_answer.value if module.model_answer else "",
    }


def _stream(blocks: Sequence[Block]) -> list[tuple[str, Any]]:
    return [(block.kind, block.value) for block in blocks]


def _publish(parent: Page, model: type[Page], slug: str, fields: dict, summary) -> Page:
    """The child of ``parent`` with ``slug``, live with ``fields``; one revision if changed."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    streams = _stored_streams(model, fields)
    if page is not None:
        for name in streams:
            _carry_ids(fields[name], _stream_data(model, name, getattr(page, name)))
    return _create_or_update(
        page, lambda: model(slug=slug, live=False, **fields), parent, fields, streams, summary
    )


def _stored_streams(model: type[Page], fields: dict) -> set[str]:
    """Turn ``fields``' StreamField values into their stored JSON; their names."""
    streams = {name for name in fields if isinstance(model._meta.get_field(name), StreamField)}
    for name in streams:
        fields[name] = _stream_data(model, name, fields[name])
    return streams


def _create_or_update(
    page: Page | None,
    new_page: Callable[[], Page],
    parent: Page,
    fields: dict,
    streams: set[str],
    summary: ImportSummary,
    compared_ids: Collection[str] = (),
) -> Page:
    """Publish ``page`` with ``fields`` (``new_page()`` under ``parent`` when there is
    none yet): one revision, only if the content changed, and never over a version an
    editor published unless the import was asked to overwrite. ``compared_ids``: the
    streams whose block ids count as content (a translation's must be the source's)."""
    if page is None:
        page = new_page()
        parent.add_child(instance=page)
        log(instance=page, action="wagtail.create")
        outcome = CREATED
    elif page.live and _same_content(page, fields, streams, ids_count=compared_ids):
        summary.add(type(page), UNCHANGED)
        return page
    elif _published_by_an_editor(page) and not summary.overwrite:
        summary.add(type(page), KEPT)
        return page
    else:
        for name, value in fields.items():
            setattr(page, name, value)
        outcome = UPDATED
    page.save_revision(log_action=True).publish()
    summary.add(type(page), outcome)
    return page


def _published_by_an_editor(page: Page) -> bool:
    # The importer publishes as nobody; a person's name on the live revision means
    # someone changed the page in Wagtail after it was imported.
    return page.live and page.live_revision is not None and page.live_revision.user_id is not None


def _stream_data(model: type[Page], name: str, value) -> list[dict]:
    """A StreamField value as the JSON it is stored as (ids included)."""
    stream_block = model._meta.get_field(name).stream_block
    data = [child.get_prep_value() for child in stream_block.normalize(value)]
    # Read back as a stored page is, so a key a file leaves out (a block field added
    # since, such as a question's scenario flag) takes its default on both sides.
    return [child.get_prep_value() for child in stream_block.to_python(data)]


def _same_content(page: Page, fields: dict, streams: set[str], ids_count=()) -> bool:
    for name, value in fields.items():
        live = getattr(page, name)
        if name in streams:
            keep = (lambda data: data) if name in ids_count else _without_ids
            value = keep(value)
            live = keep(_stream_data(type(page), name, live))
        if live != value:
            return False
    return True


def _without_ids(data):
    if isinstance(data, list):
        return [_without_ids(item) for item in data]
    if isinstance(data, dict):
        return {key: _without_ids(value) for key, value in data.items() if key != "id"}
    return data


def _carry_ids(new, old) -> None:
    """Give blocks the ids their predecessors in the same place had, at every level."""
    if isinstance(new, list) and isinstance(old, list):
        for new_item, old_item in zip(new, old, strict=False):
            if (
                isinstance(new_item, dict)
                and isinstance(old_item, dict)
                and new_item.get("type") == old_item.get("type")
                and "id" in old_item
            ):
                new_item["id"] = old_item["id"]
                _carry_ids(new_item.get("value"), old_item.get("value"))
    elif isinstance(new, dict) and isinstance(old, dict):
        for key, value in new.items():
            _carry_ids(value, old.get(key))


def _keep_order(pages: Sequence[Page]) -> None:
    """Put sibling pages in the curriculum's order, moving only when it differs."""
    ids = [page.pk for page in pages]
    if not ids:
        return
    current = list(Page.objects.filter(pk__in=ids).order_by("path").values_list("pk", flat=True))
    if current == ids:
        return
    for previous, page in zip(ids, ids[1:], strict=False):
        Page.objects.get(pk=page).move(Page.objects.get(pk=previous), pos="right")
