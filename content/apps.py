from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Site content"

    def ready(self):
        from content.spreadsheets import neutralise_wagtail_csv_exports

        neutralise_wagtail_csv_exports()
