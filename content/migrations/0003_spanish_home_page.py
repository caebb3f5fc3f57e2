"""The Spanish locale, and the Spanish home page as the translation of the English one.

Course pages in Spanish are translations whose parents are translations too, so
the tree in Spanish starts here. Routing never walks it (``HomePage.route`` hands
over to the English home), so this page gives Spanish text only, never URLs.
"""

from django.db import migrations

HOME_INTRO_ES = (
    "<p>Tandem es formación profesional para equipos de educación especial: módulos "
    "breves sobre funciones, límites y trabajo en equipo, y un espacio compartido donde "
    "cada docente y su paraprofesional planifican la semana y prueban estrategias "
    "nuevas, lado a lado.</p>"
)


def create_spanish_home_page(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("content", "HomePage")

    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    spanish, _ = Locale.objects.get_or_create(language_code="es")
    if HomePage.objects.filter(translation_key=home.translation_key, locale=spanish).exists():
        return
    root = Page.objects.get(depth=1)
    last = Page.objects.filter(depth=2).order_by("-path").first()
    # Treebeard's paths: the next sibling of the last top-level page.
    number = int(last.path[-4:], 36) + 1
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    step = ""
    for _position in range(4):
        number, remainder = divmod(number, 36)
        step = digits[remainder] + step
    HomePage.objects.create(
        title="Le damos la bienvenida a Tandem",
        draft_title="Le damos la bienvenida a Tandem",
        slug="home-es",
        content_type_id=home.content_type_id,
        path=root.path + step,
        depth=2,
        numchild=0,
        url_path="/home-es/",
        live=True,
        intro=HOME_INTRO_ES,
        sign_in_prompt="Inicie sesión para continuar donde lo dejó.",
        locale=spanish,
        translation_key=home.translation_key,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])


def remove_spanish_home_page(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Locale = apps.get_model("wagtailcore", "Locale")
    apps.get_model("content", "HomePage").objects.filter(locale__language_code="es").delete()
    if not Page.objects.filter(locale__language_code="es").exists():
        Locale.objects.filter(language_code="es").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0002_home_page"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_spanish_home_page, remove_spanish_home_page)]
