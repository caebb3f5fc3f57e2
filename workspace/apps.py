from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "workspace"
    # The app was called "checklists" when its tables were made; the label keeps
    # their names (checklists_pairaction, ...) and its migration history.
    label = "checklists"
    verbose_name = "Pair workspace"
