from .base import *

SECRET_KEY = "test-only-not-secret-5d4c3b2a1"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = BASE_DIR / "media" / "test"
WAGTAILADMIN_BASE_URL = "http://testserver"
# Serve static files straight from the app folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

INSTALLED_APPS = [*INSTALLED_APPS, "devdata"]
# A replica alias (DATABASE_REPLICA_URL) is a second connection to the test
# database, which cannot see what a test wrote inside its transaction: reads stay
# on the primary unless a test turns the router on (tests/test_db_router.py).
DATABASE_ROUTERS: list[str] = []
# Tests switch sign-in providers on themselves, whatever this machine's environment holds.
SOCIALACCOUNT_PROVIDERS = {}
TANDEM_DISTRICT_EMAIL_DOMAINS: list[str] = []
