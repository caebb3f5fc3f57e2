"""Static files: whitenoise's compressed, hashed copies, each URL worked out once."""

from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's storage, keeping each static file's URL once worked out.

    The manifest of hashed names is read when the process starts, so a file's URL
    cannot change while it runs; Django works it out again on every ``{% static %}``
    (parsing the name, the manifest look-up, joining the base URL), about 70 µs.
    An admin page asks 49 times, as each item of Wagtail's sidebar names its
    script: 3.4 ms of a report's page. The names are the templates' and the code's
    own, so the URLs kept are as few as the static files.

    A name the manifest lacks still fails each time it is asked for, and with
    DEBUG on (files served unhashed, as they change) nothing is kept.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str, force: bool = False) -> str:
        if force or settings.DEBUG:
            return super().url(name, force)
        if (url := self._urls.get(name)) is None:
            url = self._urls[name] = super().url(name)
        return url
