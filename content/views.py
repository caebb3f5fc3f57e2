from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Everything past the front door is for signed-in school staff, and certificate
# verification pages name people: none of it belongs in a search index.
ROBOTS_TXT = "User-agent: *\nAllow: /$\nDisallow: /\n"


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=86400, public=True)
def favicon_ico(request):
    """Browsers and feed readers ask for /favicon.ico whatever a page links to: send
    them to the static icon (its name carries a hash under production storage, so a
    temporary redirect that caches for a day rather than a permanent one)."""
    return redirect(static("favicon.ico"))
