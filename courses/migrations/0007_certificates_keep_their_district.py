"""Certificates issued before they kept their district get the District setting's
name and sponsor as they stand today: the best record there is of who awarded them."""

from django.db import migrations


def name_the_district_of_earlier_certificates(apps, schema_editor):
    Certificate = apps.get_model("courses", "Certificate")
    CoursePage = apps.get_model("courses", "CoursePage")
    District = apps.get_model("pairs", "District")
    Site = apps.get_model("wagtailcore", "Site")

    districts = {district.site_id: district for district in District.objects.all()}
    if not districts:
        return
    # As Page.get_site() finds a page's site (the deepest root that holds it), with
    # the default site for a course under none.
    roots = sorted(
        Site.objects.values_list("pk", "root_page__path", "is_default_site"),
        key=lambda site: -len(site[1]),
    )
    default = next((pk for pk, _path, is_default in roots if is_default), None)
    course_ids = Certificate.objects.values_list("course_id", flat=True).distinct()
    for course_id, path in CoursePage.objects.filter(pk__in=course_ids).values_list("pk", "path"):
        site = next((pk for pk, root, _default in roots if path.startswith(root)), default)
        district = districts.get(site) or districts.get(default)
        if district is None:
            continue
        Certificate.objects.filter(course_id=course_id, district_name="", pd_sponsor="").update(
            district_name=district.name.strip(), pd_sponsor=district.pd_sponsor.strip()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_precheck_and_certificate_issuer"),
        ("pairs", "0005_district_setting"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(name_the_district_of_earlier_certificates, migrations.RunPython.noop),
    ]
