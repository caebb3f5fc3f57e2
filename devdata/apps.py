from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """The demo district and the synthetic district generator: installed by the
    dev, test and bench settings only, never in production."""

    name = "devdata"
    verbose_name = "Demo and synthetic data"
