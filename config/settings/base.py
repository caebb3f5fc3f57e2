"""Settings shared by every environment; the other modules override only what differs."""

import os
from pathlib import Path

import dj_database_url

from config.settings import sign_in

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    # Project apps first so their templates and static files win.
    "accounts",
    "pairs",
    "courses",
    "workspace",
    "hours",
    "reporting",
    "privacy",
    "content",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.locales",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.clever",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (or the switch's cookie) before sign-in...
    "accounts.language.BrowserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ...and the person's own choice after it.
    "accounts.language.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Not allauth's UserSessionsMiddleware: all it does is keep each session's
    # address and last activity up to date when USERSESSIONS_TRACK_ACTIVITY is on
    # (a query and a save on every signed-in request), which Tandem leaves off.
    # "Where you are signed in" lists each session as it was at sign-in
    # (https://docs.allauth.org/en/latest/usersessions/configuration.html).
    "accounts.middleware.OneWayInMiddleware",
    "accounts.middleware.EmailPageTakenAddressMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "accounts.middleware.RequireStaffMFAMiddleware",
    "accounts.middleware.NoStoreForSignedInMiddleware",
    # Inside NoStoreForSignedInMiddleware, so its 403 pages are not stored either.
    "accounts.middleware.AdminClosedToLearnersMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # Fail a request in seconds, not minutes, when the database host is unreachable,
    # so /healthz answers 503 quickly (tests/test_faults.py).
    options.setdefault("connect_timeout", 3)
    # How each connection plans (a DATABASE_URL with its own ?options= overrides it):
    # - No JIT compiling. PostgreSQL compiles a query to machine code once its
    #   estimated cost passes jit_above_cost, which an export, with subqueries per row,
    #   always does: the completion export spent 1.1 s of 7.4 compiling, for nothing.
    #   https://www.postgresql.org/docs/15/jit-decision.html
    # - A random read costed at 1.1 sequential ones, not 4: a district's tables fit
    #   in memory, where an index look-up costs little more than a scan. With 4 the
    #   planner read all 250 schools for each row's school name; the completion
    #   export's query went from 5.1 s to 3.5 s, and no page measured slower.
    #   https://www.postgresql.org/docs/15/runtime-config-query.html#GUC-RANDOM-PAGE-COST
    options.setdefault("options", "-c jit=off -c random_page_cost=1.1")
    # Prepared statements: a query a connection has run before is not planned again.
    # PostgreSQL took longer to plan the pair page's queries than to run them (1.2 ms
    # against 0.3 for its open actions); a page's queries are the same every time,
    # so preparing each the second time it runs cut the module page from 21 to 16 ms
    # and My learning from 28 to 23 (README, "Performance"). psycopg prepares only
    # with server-side binding, and Django turns preparing off by default for the
    # sake of connection poolers: https://docs.djangoproject.com/en/5.2/ref/databases/#server-side-parameters-binding
    # A PgBouncer in transaction mode needs 1.21 or newer with max_prepared_statements
    # set, or DATABASE_PREPARED_STATEMENTS=false here.
    if os.environ.get("DATABASE_PREPARED_STATEMENTS", "true") == "true":
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", 1)
# A read replica (PostgreSQL streaming replication) for the administrators' reports,
# their exports and the weekly digest: config.database says which reads go there.
if replica_url := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(replica_url, conn_max_age=60, conn_health_checks=True),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        # Under test the replica is the test database itself, through a second connection.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["config.database.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "default" is shared by every worker in production (config/settings/production.py).
# "rendered" is each worker's own memory, for what is rendered once per published
# version of a page (a module's content, wagtailpagecache): the key changes when
# the page is published again, so a worker's copy is as current as a shared one
# would be, and reading it takes no query. Each worker renders a version once.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "rendered": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "rendered",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

AUTH_USER_MODEL = "accounts.User"
# allauth's (email or username), loading each request's person with the flags
# that answer "may they open the admin?" (accounts.backends).
AUTHENTICATION_BACKENDS = ["accounts.backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "start"

# allauth: sign in by email, or by username for staff who have no address.
# Nobody signs themselves up (see accounts.adapter).
ACCOUNT_ADAPTER = "accounts.adapter.InviteOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# One account to an address, counting User.email and every address added on the
# email page (accounts.email_addresses). allauth's own check compares only the
# added addresses, and with ACCOUNT_PREVENT_ENUMERATION it accepts a taken one
# silently; the project's form says so instead (accounts.forms explains why).
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_FORMS = {"add_email": "accounts.forms.AddEmailForm"}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# A reset asked for an unknown address sends nothing (allauth's "unknown account"
# mail invites a sign-up, and there is none); the page answers the same either way.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# 5 failures for one account in 5 minutes, then refused (the 6th answers "too many").
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
# A code sent by email signs anyone in who has an address; paras without one
# get a username and a one-time set-up link (accounts.setup_links).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Passkeys sign in on their own, without a password first.
MFA_PASSKEY_LOGIN_ENABLED = True
# allauth refuses MFA to an account with an unverified address, against someone
# signing up with another's address; nobody signs up here, and staff who must
# have MFA would otherwise be locked out by an address they added themselves.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Sign-in through the district's Google, Microsoft, Clever or ClassLink accounts:
# each is on only when its variables are set (config/settings/sign_in.py, README).
# Nobody is signed up by it: a sign-in must match someone already invited or
# rostered (accounts.social).
SOCIALACCOUNT_ADAPTER = "accounts.social.DistrictSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = sign_in.sign_in_providers(os.environ)
TANDEM_DISTRICT_EMAIL_DOMAINS = sign_in.district_email_domains(os.environ)
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
# Sign-in starts with a POST from the sign-in page, so no other site can start it.
SOCIALACCOUNT_LOGIN_ON_GET = False
# Whether administrators and editors must have MFA before they reach the admin.
TANDEM_REQUIRE_STAFF_MFA = False
# Seconds without a request after which a staff session ends (0: never).
TANDEM_STAFF_IDLE_TIMEOUT = 30 * 60

# Wagtail's admin signs in through allauth so its rate limits and MFA apply there too.
WAGTAIL_SITE_NAME = "Tandem"
# The site's address in every link that leaves it (emails, certificates): BASE_URL,
# or when that is unset the default Site's hostname and port (config.links).
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "")
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Private pages send visitors to allauth too (accounts.middleware.OneWayInMiddleware
# closes Wagtail's own log-in URLs).
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
# No Gravatar: the admin would send a hash of every listed person's address to
# another site, and the admin's Content-Security-Policy blocks it anyway.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "txt"]
WAGTAILEMBEDS_RESPONSIVE_HTML = True

LANGUAGE_CODE = "en-us"
# The languages a person can choose (account page, header switch). Adding one:
# README, "Adding a language".
LANGUAGES = [("en", "English"), ("es", "Español")]
# Wagtail's account page offers the same languages, and its choice is the person's
# (accounts.language keeps the two in step).
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Course content in the same languages, through Wagtail's localisation: a Spanish
# page is a translation of its English source (README, "Content in Spanish").
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_root"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
}

DEFAULT_FROM_EMAIL = "Tandem <no-reply@tandem.example.org>"
EMAIL_SUBJECT_PREFIX = "[Tandem] "
# allauth's default prefix names the request's host; password-reset emails are
# written by the task worker (accounts.tasks), which has no request.
ACCOUNT_EMAIL_SUBJECT_PREFIX = EMAIL_SUBJECT_PREFIX

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Messages ("Saved", "You were signed out...") wait in the session, which every
# page has anyway. Django's default tries a signed cookie first and builds its
# signer on every request, messages or not: 18 µs of the trivial view's 0.39 ms
# (README, "The middleware trimmed, and the interpreter it runs on"). A visitor
# shown a message after signing out is given a session row for it, as signing
# in gives one.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The front end runs no inline script or style; the admin's policy is below
# (both applied by accounts.middleware.ContentSecurityPolicyMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # Modules may embed a video (courses.blocks "video").
        "frame-src": [
            "'self'",
            "https://www.youtube-nocookie.com",
            "https://www.youtube.com",
            "https://player.vimeo.com",
        ],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Wagtail's admin templates still carry inline scripts (InlinePanel, date pickers)
# and styles, and its preview frames the site itself.
TANDEM_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
