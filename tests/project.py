"""The project's own apps, as installed: for tests that walk the code of each."""

from pathlib import Path

from django.apps import apps
from django.conf import settings


def project_apps() -> tuple[str, ...]:
    """Module names of the installed apps that live in this repository, in
    INSTALLED_APPS order (Wagtail's, allauth's and Django's are left out)."""
    root = Path(settings.BASE_DIR).resolve()
    return tuple(
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == root
    )
