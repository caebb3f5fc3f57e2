from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Site content")

    def ready(self):
        from content.admin_furniture import use_kept_furniture
        from content.sites import connect_signals, use_cached_sites
        from content.spreadsheets import (
            mark_wagtail_csv_exports_as_utf8,
            neutralise_wagtail_csv_exports,
        )

        connect_signals()
        use_cached_sites()
        neutralise_wagtail_csv_exports()
        mark_wagtail_csv_exports_as_utf8()
        use_kept_furniture()
