"""What the PD-hours ledger stores of its own: outside PD an administrator enters,
the partner's confirmation of a check-in, a person's hire date, and the rules a
district follows. Module hours and check-in minutes are not copied here: the
ledger (``hours.ledger``) reads them where they are recorded, so no hour is
typed twice.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from hours.evidence import evidence_storage, validate_evidence
from hours.rules import rule_choices


def evidence_path(instance: OutsidePD, filename: str) -> str:
    # The person's id, not their name, so the path says nothing about them.
    return f"evidence/{instance.person_id}/{filename}"


class OutsidePD(models.Model):
    """Professional development taken outside Tandem, entered by an administrator
    with its evidence (a certificate or a signed sign-in sheet)."""

    class Delivery(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        LIVE_ONLINE = "live_online", _("Live online")
        SELF_PACED = "self_paced", _("Self-paced online")
        HYBRID = "hybrid", _("Hybrid")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="outside_pd",
        verbose_name=_("person"),
    )
    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(
        _("provider"), max_length=200, help_text=_("Who gave it, e.g. “Intermediate Unit 13”.")
    )
    completed_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0.25)],
        help_text=_("In hours, to the quarter hour, e.g. 2.5."),
    )
    delivery = models.CharField(_("delivery mode"), max_length=16, choices=Delivery.choices)
    evidence = models.FileField(
        _("evidence"),
        storage=evidence_storage,
        upload_to=evidence_path,
        validators=[validate_evidence],
        blank=True,
        max_length=255,
        help_text=_("The certificate or signed sign-in sheet: a PDF, PNG or JPEG of up to 5 MB."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        verbose_name = _("outside PD")
        verbose_name_plural = _("outside PD")
        indexes = [models.Index(fields=["person", "completed_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="outside_pd_has_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.completed_on:%Y-%m-%d})"


class CheckInConfirmation(models.Model):
    """The partner's word that a check-in or planning meeting happened as logged.

    One person's log is not verified time; the other partner's confirmation makes
    it so. Kept beside the check-in (``workspace`` does not know about hours).
    """

    check_in = models.OneToOneField(
        "checklists.CheckIn", on_delete=models.CASCADE, related_name="confirmation"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Confirmation of check-in {self.check_in_id}"


class PersonnelRecord(models.Model):
    """What the rules need to know about a person's employment, set by an administrator."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="personnel_record",
        verbose_name=_("person"),
    )
    hired_on = models.DateField(
        _("hired on"),
        null=True,
        blank=True,
        help_text=_(
            "Hours due in the first year are prorated from this date where a rule says so."
        ),
    )
    registration_starts_on = models.DateField(
        _("registration period starts on"),
        null=True,
        blank=True,
        help_text=_(
            "For New York CTLE: the first day of the current five-year registration "
            "period (the first day of the person's birth month)."
        ),
    )

    class Meta:
        verbose_name = _("hire date")
        verbose_name_plural = _("hire dates")

    def __str__(self) -> str:
        return str(self.person)


class HoursRulesForm(WagtailAdminModelForm):
    """The rules as checkboxes, one per shipped rule file."""

    rules = forms.MultipleChoiceField(
        label=_("Rules followed"),
        choices=rule_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Each rule applies to the people whose role it names."),
    )

    class Meta:
        # The settings' panels make the form; the field is named here as well so
        # no model form of the project leaves its fields to chance.
        fields = ["rules"]


@register_setting(icon="time")
class HoursRules(BaseGenericSetting):
    """The state rules the district follows (Settings → PD-hours rules)."""

    rules = models.JSONField(
        _("rules followed"),
        default=list,
        blank=True,
    )

    base_form_class = HoursRulesForm
    panels = [FieldPanel("rules")]

    class Meta:
        verbose_name = _("PD-hours rules")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class TitleIQualification(models.Model):
    """How a para meets Title I's requirements for instructional paraprofessionals
    (34 CFR 200.58): the route, the evidence and the date, set by an administrator."""

    class Route(models.TextChoices):
        COLLEGE = "college", _("Two years of study at an institution of higher education")
        ASSOCIATE = "associate", _("An associate's (or higher) degree")
        ASSESSMENT = "assessment", _("A formal state or local academic assessment")

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="title_i_qualification",
        verbose_name=_("para"),
    )
    route = models.CharField(_("route"), max_length=16, choices=Route.choices)
    qualified_on = models.DateField(_("date met"))
    evidence = models.FileField(
        _("evidence"),
        storage=evidence_storage,
        upload_to=evidence_path,
        validators=[validate_evidence],
        blank=True,
        max_length=255,
        help_text=_("A transcript, diploma or score report: a PDF, PNG or JPEG of up to 5 MB."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Title I qualification")
        verbose_name_plural = _("Title I qualifications")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_route_display()}"


class CalendarFeed(models.Model):
    """A person's private calendar feed: only a SHA-256 hash of its secret is kept,
    so the table is no use to someone who reads it. Making a new URL replaces the
    hash (the old URL stops working); turning the feed off deletes the row."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("person"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}"
