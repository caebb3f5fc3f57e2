from csp.utils import build_policy
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.http import require_GET


@never_cache
@xframe_options_deny
@require_GET
def healthz(request):
    """For the load balancer: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        response = JsonResponse({"status": "unavailable"}, status=503)
    else:
        response = JsonResponse({"status": "ok"})
    # The health check runs ahead of the CSP middleware: give it the front end's policy.
    response["Content-Security-Policy"] = build_policy(
        config=settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    )
    return response


class HealthCheckMiddleware:
    """Answer /healthz before any other middleware runs.

    Later middleware reads the session and the signed-in user, both from the
    database; a probe that happens to carry a session cookie would get a 500
    instead of a 503 while the database is down.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            request.get_host()  # an unknown Host header is still refused (400)
            return healthz(request)
        return self.get_response(request)
