from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Site content"

    def ready(self):
        from content.spreadsheets import (
            mark_wagtail_csv_exports_as_utf8,
            neutralise_wagtail_csv_exports,
        )

        neutralise_wagtail_csv_exports()
        mark_wagtail_csv_exports_as_utf8()
