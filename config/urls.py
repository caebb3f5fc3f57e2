from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as account_views
from config.health import healthz
from content.views import robots_txt

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # allauth is the one way in; the Django admin is not mounted.
    # Before allauth's own route for it: a launch from the Clever portal arrives
    # without state (accounts.views.clever_callback).
    path(
        "accounts/clever/login/callback/",
        account_views.clever_callback,
        name="clever_portal_callback",
    ),
    path("accounts/", include("allauth.urls")),
    path("start/", account_views.start, name="start"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("courses.urls")),
    path("", include("workspace.urls")),
    path("", include("hours.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving comes last: it answers every path not matched above.
urlpatterns.append(path("", include(wagtail_urls)))
