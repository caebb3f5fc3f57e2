"""Course pages in Wagtail: the tree rules, what editors can do, and what people see."""

from decimal import Decimal
from functools import partial
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import GroupPagePermission, Page, PageViewRestriction, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import (
    nested_form_data,
    rich_text,
    streamfield,
)

from accounts import roles
from content.models import HomePage, StandardPage
from courses.blocks import MODULE_BODY_BLOCKS
from courses.models import CourseIndexPage, CoursePage, ModulePage, ModuleProgress, QuizAttempt
from courses.templatetags.catalogue_tags import duration, hours
from tests.page_factories import home_page, make_course, make_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def wagtail(client):
    """Wagtail's page assertions, driven by pytest's client."""
    case = WagtailPageTestCase()
    case.client = client
    return case


@pytest.fixture
def course():
    return make_course(modules=2)


# The tree ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parent", "children"),
    [
        (HomePage, {CourseIndexPage, StandardPage}),
        (CourseIndexPage, {CoursePage}),
        (CoursePage, {ModulePage}),
        (ModulePage, set()),
    ],
)
def test_each_page_type_takes_only_its_children(wagtail, parent, children):
    wagtail.assertAllowedSubpageTypes(parent, children)


@pytest.mark.parametrize(
    ("child", "parents"),
    [
        (CourseIndexPage, {HomePage}),
        (CoursePage, {CourseIndexPage}),
        (ModulePage, {CoursePage}),
    ],
)
def test_each_page_type_lives_only_under_its_parent(wagtail, child, parents):
    wagtail.assertAllowedParentPageTypes(child, parents)


def test_there_is_one_course_index():
    assert CourseIndexPage.max_count == 1


# Editors ---------------------------------------------------------------------------


def test_an_editor_can_write_and_publish_a_module(wagtail, client, district, course):
    client.force_login(district.editor)
    data = nested_form_data(
        {
            "title": "Boundaries",
            "summary": "What stays in the classroom.",
            "minutes": 15,
            "pd_hours": "0.25",
            "pass_mark": 80,
            "objectives": streamfield([("objective", "Name what you may share, and with whom.")]),
            "precheck": streamfield([]),
            "body": streamfield([("text", rich_text("<p>Confidentiality protects students.</p>"))]),
            "quiz": streamfield([]),
            "actions": streamfield(
                [
                    (
                        "try_tomorrow",
                        {
                            "text": "Agree on one phrase for nosy questions.",
                            "who": "together",
                            "look_fors": list_block(
                                [
                                    "Both use the agreed words, unchanged",
                                    "Neither shares anything about the student",
                                ]
                            ),
                        },
                    )
                ]
            ),
        }
    )

    wagtail.assertCanCreate(course, ModulePage, data)

    module = ModulePage.objects.child_of(course).get(slug="boundaries")
    assert module.live
    assert module.actions[0].value["text"] == "Agree on one phrase for nosy questions."
    assert list(module.actions[0].value["look_fors"]) == [
        "Both use the agreed words, unchanged",
        "Neither shares anything about the student",
    ]


def test_editors_may_publish_pages_but_not_manage_people(district):
    editors = Group.objects.get(name=roles.EDITORS)
    granted = set(
        GroupPagePermission.objects.filter(group=editors).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= granted
    assert district.editor.has_perm("wagtailimages.choose_image")
    assert not any(
        district.editor.has_perm(f"{app}.{action}_{model}")
        for app, model in (("accounts", "user"), ("auth", "group"))
        for action in ("add", "change", "delete", "view")
    )


@pytest.mark.parametrize("url_name", ["wagtailusers_users:index", "wagtailusers_groups:index"])
def test_editors_cannot_open_the_people_screens(client, district, url_name):
    client.force_login(district.editor)

    response = client.get(reverse(url_name))

    assert response.status_code != HTTPStatus.OK


def list_block(items):
    """ListBlock form data, the way ``streamfield`` builds StreamField form data."""
    data = {
        str(index): {"value": item, "deleted": "", "order": str(index), "id": ""}
        for index, item in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def module_form(title: str) -> dict:
    """What the module edit form posts, for a module with a block of each family."""
    choices = [
        {"text": "The special educator", "correct": "on", "feedback": "Right."},
        {"text": "The para", "feedback": "The para records it."},
    ]
    return nested_form_data(
        {
            "title": title,
            "slug": "previewed",
            "summary": "Who does what.",
            "minutes": 15,
            "pd_hours": "0.25",
            "pass_mark": 80,
            "objectives": streamfield([("objective", "Name who plans.")]),
            "precheck": streamfield([]),
            "body": streamfield(
                [
                    ("text", rich_text("<p>Clear roles make a calm classroom.</p>")),
                    ("callout", {"style": "tip", "title": "", "text": rich_text("<p>Ask.</p>")}),
                ]
            ),
            "quiz": streamfield(
                [
                    (
                        "single_choice",
                        {
                            "prompt": "Who decides which data to collect?",
                            "choices": list_block(choices),
                            "explanation": "The teacher designs; the para records.",
                        },
                    )
                ]
            ),
            "actions": streamfield(
                [
                    (
                        "try_tomorrow",
                        {"text": "Meet early.", "who": "together", "look_fors": list_block([])},
                    )
                ]
            ),
        }
    )


def test_an_editor_can_edit_and_preview_a_module(client, district, course):
    module = course.modules().first()
    client.force_login(district.editor)

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[module.pk]))
    assert edit.status_code == HTTPStatus.OK

    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[module.pk])
    check = client.post(preview_url, module_form("A previewed title"))
    assert check.json() == {"is_valid": True, "is_available": True}
    preview = client.get(preview_url)
    assert preview.status_code == HTTPStatus.OK
    html = preview.content.decode()
    assert "A previewed title" in html
    assert "Clear roles make a calm classroom." in html
    # Previewing saves nothing.
    assert ModulePage.objects.get(pk=module.pk).title == module.title


def learner_records() -> list[int]:
    return [QuizAttempt.objects.count(), ModuleProgress.objects.count()]


# What each preview mode shows of the module's default quiz (tests/page_factories.py),
# whose sample result answers the first choice each time: right only for the first
# question, whose first choice is the right one.
PREVIEW_MODES = {
    "module": ["Clear roles make a calm classroom.", "Nothing is recorded in a preview."],
    # No form token: a form sent from a preview would be refused.
    "quiz": ["Who decides which data to collect?", 'name="form_token" value=""', "disabled"],
    "result": ["Your result: 25%", "Not passed yet", "You answered 1 of 4 questions right"],
}


@pytest.mark.parametrize(("mode", "shown"), PREVIEW_MODES.items())
def test_each_preview_mode_renders_and_records_nothing(client, course, para, mode, shown):
    module = course.modules().first()
    assert mode in dict(module.preview_modes)
    # Seen by a learner who may take the module: still nothing is recorded.
    client.force_login(para)
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())

    response = module.make_preview_request(RequestFactory().get("/", HTTP_COOKIE=cookie), mode)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Sign out" in html
    assert module.title in html
    assert [text for text in shown if text not in html] == []
    assert learner_records() == [0, 0]


@pytest.mark.parametrize(
    ("mode", "shown"),
    [
        ("quiz", "Who decides which data to collect?"),
        ("result", "Your result: 100%"),  # the draft's one question, first choice right
    ],
)
def test_an_editor_previews_the_quiz_and_a_result_of_a_draft(client, district, course, mode, shown):
    module = course.modules().first()
    client.force_login(district.editor)
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[module.pk])
    check = client.post(preview_url, module_form("A previewed title"))
    assert check.json() == {"is_valid": True, "is_available": True}

    preview = client.get(preview_url, {"mode": mode})

    assert preview.status_code == HTTPStatus.OK
    html = preview.content.decode()
    assert "A previewed title" in html
    assert shown in html
    assert learner_records() == [0, 0]


PREVIEWED_BLOCKS = [
    (stream, name)
    for stream in ("body", "quiz", "actions")
    for name, block in ModulePage._meta.get_field(stream).stream_block.child_blocks.items()
    if block.is_previewable
]


def test_the_blocks_with_a_sample_value_have_previews():
    assert {name for _stream, name in PREVIEWED_BLOCKS} >= {
        "callout",
        "roles_table",
        "dos_donts",
        "research_note",
        "scenario",
        "single_choice",
        "try_tomorrow",
    }


@pytest.mark.parametrize(("stream", "name"), PREVIEWED_BLOCKS)
def test_an_editor_previews_a_block_in_the_site_style(client, district, stream, name):
    block = ModulePage._meta.get_field(stream).stream_block.child_blocks[name]
    client.force_login(district.editor)

    response = client.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})

    assert response.status_code == HTTPStatus.OK
    assert "css/tandem.css" in response.content.decode()


# Blocks ------------------------------------------------------------------------------


def body_block_values() -> dict[str, tuple]:
    """A value for every body block, and text a reader would see when it renders."""
    values = {
        name: (block.get_preview_value(), None)
        for name, block in MODULE_BODY_BLOCKS
        if getattr(block.meta, "preview_value", None)
    }
    values["callout"] = (values["callout"][0], "Students notice when the adults")
    values["roles_table"] = (values["roles_table"][0], "Records data accurately")
    values["dos_donts"] = (values["dos_donts"][0], "Ask when an instruction is unclear.")
    values["research_note"] = (values["research_note"][0], "Powers, R., &amp; Mandal, A.")
    values["scenario"] = (values["scenario"][0], "Which cue would you agree on")
    values["text"] = ("<p>Plain words <b>in bold</b>.</p>", "<b>in bold</b>")
    values["image"] = ("image", 'alt="Two adults planning"')
    values["video"] = ("https://www.youtube.com/watch?v=tandem", "Tandem video")
    return values


BODY_BLOCKS = [name for name, _block in MODULE_BODY_BLOCKS]


def test_every_body_block_has_a_sample():
    assert set(body_block_values()) == set(BODY_BLOCKS)


@pytest.mark.parametrize("name", BODY_BLOCKS)
def test_every_body_block_renders_on_a_module(client, settings, tmp_path, course, para, name):
    settings.MEDIA_ROOT = tmp_path
    value, shown = body_block_values()[name]
    if name == "image":
        image = Image.objects.create(title="Planning", file=get_test_image_file())
        value = {"image": image, "alt_text": "Two adults planning", "decorative": False}
    if name == "video":
        # Stored as if fetched once, so the test needs no network.
        Embed.objects.create(
            url=value,
            max_width=800,
            hash=get_embed_hash(value, 800),
            type="video",
            html='<iframe title="Tandem video" src="https://www.youtube.com/embed/tandem"></iframe>',
        )
    module = make_module(course, title="Every block", body=[(name, value)])
    client.force_login(para)

    response = client.get(module.url)

    assert response.status_code == HTTPStatus.OK
    assert shown in response.content.decode()


# The imported curriculum -----------------------------------------------------------


def test_every_imported_page_answers(client, para):
    home_page()
    call_command("load_curriculum", verbosity=0)
    client.force_login(para)
    # The Spanish pages are translations: they have the same URLs.
    pages = Page.objects.type(CourseIndexPage, CoursePage, ModulePage).live()
    pages = pages.filter(locale__language_code="en")
    assert pages.count() == 1 + 2 + 14

    for page in pages:
        assert client.get(page.url).status_code == HTTPStatus.OK, page.url


def test_the_catalogue_lists_each_course_with_its_size(client):
    home_page()
    call_command("load_curriculum", verbosity=0)
    index = CourseIndexPage.objects.sources().get()

    html = client.get(index.url).content.decode()

    for course in CoursePage.objects.live().sources():
        modules = course.modules()
        assert course.title in html
        assert f"<dd>{modules.count()}</dd>" in html
        assert f"About {duration(sum(m.minutes for m in modules))}" in html
    assert "For paras and teachers" in html
    assert "For administrators" in html


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(15, "15 minutes"), (60, "1 hour"), (130, "2 hours 10 minutes"), (0, "0 minutes")],
)
def test_time_reads_as_hours_and_minutes(minutes, words):
    assert duration(minutes) == words


@pytest.mark.parametrize(("value", "shown"), [("2.50", "2.5"), ("1.00", "1"), ("10", "10")])
def test_pd_hours_drop_trailing_zeros(value, shown):
    assert hours(Decimal(value)) == shown


def test_a_course_page_lists_its_modules_in_order(client, course):
    modules = list(course.modules())

    html = client.get(course.url).content.decode()

    positions = [html.index(module.title) for module in modules]
    assert positions == sorted(positions)
    assert modules[0].summary in html
    assert "About 15 minutes" in html
    assert "About 30 minutes" in html  # the whole course


def test_a_signed_in_learner_sees_where_they_are_in_a_course(client, course, para):
    client.force_login(para)

    html = client.get(course.url).content.decode()

    assert "0 of 2 modules complete" in html
    assert "Not started" in html


@pytest.mark.parametrize("courses", [1, 6])
def test_the_catalogue_takes_the_same_queries_however_many_courses(
    client, django_assert_max_num_queries, courses
):
    for number in range(courses):
        make_course(title=f"Course {number}", modules=3)
    index = CourseIndexPage.objects.get()

    # Wagtail's localisation looks up the active language's Locale: one of them.
    with django_assert_max_num_queries(13):
        response = client.get(index.url)

    assert response.content.decode().count('class="card course-card"') == courses


# Search ------------------------------------------------------------------------------


def test_search_finds_a_module_by_a_word_in_its_body(course):
    module = make_module(
        course, title="Quiet signals", body=[("text", "<p>Use the zebra card.</p>")]
    )

    assert list(ModulePage.objects.live().search("zebra")) == [module]
    assert not ModulePage.objects.live().search("giraffe")


def test_search_finds_an_imported_module():
    home_page()
    call_command("load_curriculum", verbosity=0)

    found = [page.slug for page in Page.objects.live().search("friction")]

    assert "clarifying-roles" in found


# Routing --------------------------------------------------------------------------------


def route_outcome(route, request, components):
    """What routing a path gives: the page and the view arguments, or 404."""
    from django.http import Http404

    try:
        page, args, kwargs = route(request, components)
    except Http404:
        return "404"
    view_args = args[1:] if args else ()  # a routable page's bound view differs per call
    return page.pk, type(page), view_args, kwargs


def test_the_home_page_routes_every_path_as_wagtails_own_walk_does(rf, course, para):
    home = home_page()
    # What the one-query route relies on in Wagtail's walk: a slug an editor changes
    # is rewritten into the url_path of every page below it,
    course.slug = "renamed"
    course.save_revision().publish()
    first, second = course.modules()
    second.unpublish()
    help_page = home.add_child(instance=StandardPage(title="Help", slug="help", body="<p>Hi</p>"))
    help_page.add_child(instance=StandardPage(title="Sign in", slug="sign-in", body="<p>Hi</p>"))
    # the walk asks only the page reached whether it is live,
    drafts = home.add_child(instance=StandardPage(title="Drafts", body="<p>Hi</p>", live=False))
    drafts.add_child(instance=StandardPage(title="Inside", slug="inside", body="<p>Hi</p>"))
    # and a page whose type has gone from the code is served as a plain Page.
    gone = ContentType.objects.create(app_label="content", model="gonepage")
    home.add_child(instance=Page(title="Gone", slug="gone", content_type=gone))
    request = rf.get("/")
    request.user = para
    paths = [page.url_path.removeprefix(home.url_path) for page in Page.objects.descendant_of(home)]
    paths += [
        first.url_path.removeprefix(home.url_path) + tail
        for tail in ("read/", "quiz/", "quiz/attempts/7/", "no-such-route/")
    ]
    paths += ["no-such-page/", "courses/no-such-course/", "help/no-such-page/deeper/"]
    assert {"courses/renamed/", "drafts/inside/", "gone/"} <= set(paths)
    for path in paths:
        components = [component for component in path.split("/") if component]
        ours = route_outcome(home.route, request, components)
        wagtails = route_outcome(partial(Page.route, home), request, components)
        assert ours == wagtails, path
    assert route_outcome(home.route, request, ["help", "sign-in"])[1] is StandardPage


def test_a_module_page_is_routed_in_one_query_for_the_whole_path(
    rf, course, para, django_assert_num_queries
):
    home, module = home_page(), course.modules()[0]
    components = [c for c in module.url_path.removeprefix(home.url_path).split("/") if c]
    request = rf.get("/")
    request.user = para
    # Wagtail has found the request's site before it routes (Page.route_for_request).
    Site.find_for_request(request)
    # The pages on the path, then the module's own row.
    with django_assert_num_queries(2):
        page, _args, _kwargs = home.route(request, [*components, "quiz"])
    assert page == module


def test_view_restrictions_are_wagtails_own_in_one_query(course, django_assert_num_queries):
    home, (first, second) = home_page(), course.modules()
    index = course.get_parent()
    PageViewRestriction.objects.create(page=course, restriction_type="login")
    PageViewRestriction.objects.create(page=second, restriction_type="password", password="x")
    # An alias of the course (and its modules) elsewhere takes the course's restrictions.
    other_index = home.add_child(instance=StandardPage(title="Elsewhere", body="<p>x</p>"))
    alias = course.create_alias(parent=other_index, update_slug="copy", recursive=True)
    pages = [home, index, course, first, second, alias, *alias.get_children().specific()]
    for page in pages:
        wagtails = set(Page.get_view_restrictions(page))
        with django_assert_num_queries(1):
            ours = set(page.specific.get_view_restrictions())
        assert ours == wagtails, page
    assert {r.page_id for r in alias.specific.get_view_restrictions()} == {course.pk}


@pytest.mark.xfail(
    strict=True,
    reason="The one query looks one step from an alias to its source; Wagtail follows "
    "the whole chain, and its admin makes an alias of an alias when an editor copies one.",
)
def test_an_alias_of_an_alias_takes_the_restrictions_of_the_original_page(course):
    elsewhere = home_page().add_child(instance=StandardPage(title="Elsewhere", body="<p>x</p>"))
    alias = course.create_alias(parent=elsewhere, update_slug="copy")
    alias_of_alias = alias.create_alias(parent=elsewhere, update_slug="copy-of-copy")
    PageViewRestriction.objects.create(page=course, restriction_type="login")

    wagtails = set(Page.get_view_restrictions(alias_of_alias))

    assert set(alias_of_alias.specific.get_view_restrictions()) == wagtails


@pytest.mark.parametrize("restricted", ["nothing", "course index", "course", "second module"])
def test_public_and_private_pages_are_wagtails_own(course, restricted):
    first, second = course.modules()
    make_course(title="Another course", modules=1)
    place = {"course index": course.get_parent(), "course": course, "second module": second}
    if restricted in place:
        PageViewRestriction.objects.create(page=place[restricted], restriction_type="login")

    for page_type in (CoursePage, ModulePage):
        ids = page_type.objects.values_list("pk", flat=True)
        wagtails_public = set(Page.objects.filter(pk__in=ids).public().values_list("pk", flat=True))
        wagtails_private = set(
            Page.objects.filter(pk__in=ids).private().values_list("pk", flat=True)
        )
        assert set(page_type.objects.public().values_list("pk", flat=True)) == wagtails_public
        assert set(page_type.objects.private().values_list("pk", flat=True)) == wagtails_private
    assert (second.pk in wagtails_private) == (restricted != "nothing")
