from django.conf import settings
from django.db import models
from django.utils import timezone


class AdminDigest(models.Model):
    """A weekly digest that went to one administrator, so it is sent once a week."""

    administrator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    week_of = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Made by the app that held it first (checklists); the table kept its name.
        db_table = "checklists_admindigest"
        constraints = [
            models.UniqueConstraint(
                fields=["administrator", "week_of"], name="one_digest_per_admin_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.administrator_id}, week of {self.week_of:%Y-%m-%d}"
