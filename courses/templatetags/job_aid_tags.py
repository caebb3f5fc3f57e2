from django import template

from courses.job_aids import JobAid, for_module

register = template.Library()


@register.inclusion_tag("courses/job_aids/links.html")
def job_aids_for(page) -> dict[str, list[JobAid]]:
    """``{% job_aids_for page %}``: links to the job aids a module uses, if any."""
    return {"aids": for_module(page.slug)}
