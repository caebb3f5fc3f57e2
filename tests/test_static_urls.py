"""Production's static files storage (config/storage.py): each file's hashed URL is
worked out once and kept; a name the manifest lacks fails every time it is asked
for, and with DEBUG on nothing is kept."""

import json

import pytest
from django.test import override_settings

from config.storage import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/app.css": "css/app.4f2a9c.css"}, "version": "1.1"})
    )
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


@pytest.fixture
def looked_up(storage, monkeypatch) -> list[str]:
    """Each name the storage looks up in its manifest, from now on."""
    names = []
    stored_name = storage.stored_name

    def counted(name):
        names.append(name)
        return stored_name(name)

    monkeypatch.setattr(storage, "stored_name", counted)
    return names


@override_settings(DEBUG=False)
def test_a_url_is_worked_out_once_and_kept(storage, looked_up):
    assert storage.url("css/app.css") == "/static/css/app.4f2a9c.css"
    assert storage.url("css/app.css") == "/static/css/app.4f2a9c.css"
    assert looked_up == ["css/app.css"]


@override_settings(DEBUG=False)
def test_a_name_the_manifest_lacks_fails_each_time(storage, looked_up):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/gone.css")
    assert looked_up == ["css/gone.css", "css/gone.css"]


@override_settings(DEBUG=True)
def test_with_debug_on_the_file_is_served_unhashed_and_nothing_is_kept(storage):
    assert storage.url("css/app.css") == "/static/css/app.css"
    with override_settings(DEBUG=False):
        assert storage.url("css/app.css") == "/static/css/app.4f2a9c.css"
