from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Everything past the front door is for signed-in school staff, and certificate
# verification pages name people: none of it belongs in a search index.
ROBOTS_TXT = "User-agent: *\nAllow: /$\nDisallow: /\n"


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")
