"""Production: secrets and hosts come from the environment, and start-up fails without them."""

import os

from .base import *

SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = [host.strip() for host in os.environ["ALLOWED_HOSTS"].split(",") if host.strip()]
if not ALLOWED_HOSTS:
    raise RuntimeError("ALLOWED_HOSTS must name at least one host.")
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", f"https://{ALLOWED_HOSTS[0]}")

# Rate limits, spent one-time codes and rendered notes must be shared by every
# worker and host. Django's default of 300 entries would start culling
# rate-limit counters once a few hundred people had signed in on one day.
CACHES["default"] = {  # noqa: F405
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "tandem_cache",
    "OPTIONS": {"MAX_ENTRIES": 50_000},
}
# PostgreSQL connections: each worker keeps a small psycopg pool (Django's
# OPTIONS["pool"]); DATABASE_POOL=false keeps one persistent connection a worker
# instead (CONN_MAX_AGE, which a pool replaces). Neither served Tandem's pages
# measurably faster on a 2-core machine; the pool bounds each worker's
# connections and serves threaded workers too. Prepared statements are on for
# PostgreSQL in every setting (config/settings/base.py). The figures are in
# README, "Performance".
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    for database in DATABASES.values():  # noqa: F405
        options = database.setdefault("OPTIONS", {})
        if os.environ.get("DATABASE_POOL", "true") == "true":
            # CONN_HEALTH_CHECKS (base settings) stays on: Django then has the
            # pool test each connection before a request gets it.
            database["CONN_MAX_AGE"] = 0
            options["pool"] = {
                "min_size": 1,
                "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "4")),
                # Seconds a request waits for a free connection before it fails.
                "timeout": 10,
            }

# How many proxies (load balancers) stand in front of the app; allauth reads the
# client address from X-Forwarded-For only this deep, so it cannot be spoofed.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true") == "true"
# Load balancers probe over plain HTTP and count a redirect as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_AGE = 60 * 60 * 12

TANDEM_REQUIRE_STAFF_MFA = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false") == "true"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING["root"]["level"] = "INFO"
