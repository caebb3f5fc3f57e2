"""Replace Wagtail's placeholder welcome page with Tandem's home page."""

from django.db import migrations

HOME_INTRO = (
    "<p>Tandem is professional development for special-education teams: short modules "
    "on roles, boundaries and working together, and a shared space where each teacher "
    "and para plan their week and try new strategies side by side.</p>"
)


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("content", "HomePage")

    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="content")
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="Welcome to Tandem",
        draft_title="Welcome to Tandem",
        slug="home",
        content_type=home_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        intro=HOME_INTRO,
        locale=Locale.objects.order_by("pk").first(),
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Tandem"},
    )


def remove_home_page(apps, schema_editor):
    apps.get_model("content", "HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home_page, remove_home_page)]
