from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as account_views
from config.health import healthz
from content.views import favicon_ico, robots_txt
from pairs import invitations

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon_ico, name="favicon_ico"),
    # allauth is the one way in; the Django admin is not mounted.
    # Before allauth's own route for it: a launch from the Clever portal arrives
    # without state (accounts.views.clever_callback).
    path(
        "accounts/clever/login/callback/",
        account_views.clever_callback,
        name="clever_portal_callback",
    ),
    # Before allauth's own route for it: the tenant is checked on the server too.
    path(
        "accounts/microsoft/login/callback/",
        account_views.microsoft_callback,
        name="microsoft_tenant_callback",
    ),
    path("accounts/", include("allauth.urls")),
    path("accounts/setup/<str:token>/", account_views.setup_account, name="account_setup"),
    path("accounts/me/", account_views.my_account, name="my_account"),
    path(
        "accounts/sign-out-everywhere/",
        account_views.sign_out_everywhere,
        name="sign_out_everywhere",
    ),
    path("language/", account_views.switch_language, name="switch_language"),
    path("start/", account_views.start, name="start"),
    # Under the admin's path and its access check; the view asks pairs.scoping who
    # may make one (accounts cannot import pairs, so it is not an accounts hook).
    path(
        "admin/people/<int:pk>/setup-link/",
        require_admin_access(invitations.setup_link),
        name="people_setup_link",
    ),
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
