from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "workspace"
    # The app was called "checklists" when its tables were made; the label keeps
    # their names (checklists_pairaction, ...) and its migration history.
    label = "checklists"
    verbose_name = "Pair workspace"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from pairs.models import DaysWithoutSchool
        from workspace.plans import forget_closures

        post_save.connect(forget_closures, sender=DaysWithoutSchool, dispatch_uid="closure_saved")
        post_delete.connect(
            forget_closures, sender=DaysWithoutSchool, dispatch_uid="closure_deleted"
        )
