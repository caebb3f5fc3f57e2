"""An outside PD entry's evidence file goes with the entry, however it is deleted
(the admin's delete, a person's cascade); replaced evidence goes too."""

from __future__ import annotations

from django.db.models.signals import post_delete, pre_save

from hours.evidence import delete_files_on_commit
from hours.models import OutsidePD


def remove_evidence(sender, instance: OutsidePD, **kwargs) -> None:
    delete_files_on_commit([instance.evidence.name])


def remove_replaced_evidence(sender, instance: OutsidePD, **kwargs) -> None:
    if instance.pk is None:
        return
    before = OutsidePD.objects.filter(pk=instance.pk).values_list("evidence", flat=True).first()
    if before and before != instance.evidence.name:
        delete_files_on_commit([before])


def connect() -> None:
    post_delete.connect(remove_evidence, sender=OutsidePD, dispatch_uid="hours.remove_evidence")
    pre_save.connect(
        remove_replaced_evidence, sender=OutsidePD, dispatch_uid="hours.remove_replaced_evidence"
    )
