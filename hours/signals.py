"""An evidence file goes with its record (outside PD, a Title I qualification),
however it is deleted (the admin's delete, a person's cascade); replaced evidence
goes too."""

from __future__ import annotations

from django.db.models.signals import post_delete, pre_save

from hours.evidence import delete_files_on_commit
from hours.models import OutsidePD, TitleIQualification

WITH_EVIDENCE = (OutsidePD, TitleIQualification)


def remove_evidence(sender, instance, **kwargs) -> None:
    delete_files_on_commit([instance.evidence.name])


def remove_replaced_evidence(sender, instance, **kwargs) -> None:
    if instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values_list("evidence", flat=True).first()
    if before and before != instance.evidence.name:
        delete_files_on_commit([before])


def connect() -> None:
    for model in WITH_EVIDENCE:
        label = model._meta.label
        post_delete.connect(remove_evidence, sender=model, dispatch_uid=f"{label}.remove_evidence")
        pre_save.connect(
            remove_replaced_evidence, sender=model, dispatch_uid=f"{label}.remove_replaced"
        )
