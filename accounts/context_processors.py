from django.urls import reverse
from django.utils.translation import gettext as _


def navigation(request) -> dict:
    """The links in the site's header, fitted to who is signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = []
    if user.role:
        links.append((_("My learning"), reverse("my_learning")))
        links.append((_("My pairs"), reverse("my_pairs")))
        links.append((_("Transcript"), reverse("transcript")))
    if user.works_in_admin:
        links.append((_("Admin"), reverse("wagtailadmin_home")))
    links.append((_("My account"), reverse("my_account")))
    return {"nav_links": links}
