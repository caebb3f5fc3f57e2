"""Production settings for the in-process measurements (``bench.measure``).

The same settings gunicorn serves with in the served part of the benchmark,
plus what Django's test client needs: its ``testserver`` host, and no MFA for
the synthetic administrators, who have no authenticator app.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-3f9a1c")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from config.settings.production import *  # noqa: E402, F403

ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
TANDEM_REQUIRE_STAFF_MFA = False
INSTALLED_APPS = [*INSTALLED_APPS, "devdata"]  # noqa: F405
