from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from accounts.roles import PairRole


class School(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="schools",
        blank=True,
        verbose_name=_("paras and teachers"),
    )
    administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="administered_schools",
        blank=True,
        verbose_name=_("school administrators"),
    )
    # The org's id in the district's roster (OneRoster ``sourcedId``): a re-import
    # finds the school by it even after a change of name (pairs.roster).
    roster_id = models.CharField(_("roster id"), max_length=255, blank=True, editable=False)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["roster_id"],
                condition=~Q(roster_id=""),
                name="unique_school_roster_id_when_given",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PairQuerySet(models.QuerySet):
    """Who may see which pairs is ``pairs.scoping``'s to say, not the queryset's."""

    def active(self) -> PairQuerySet:
        return self.filter(ended_on__isnull=True)

    def named(self) -> PairQuerySet:
        """With what a listing shows of each pair: its people's names and its school's.
        A person's row is long (sign-in, roster and notification fields), and a
        page listing pairs needs none of it."""
        people = [
            f"{person}__{field}"
            for person in ("teacher", "para")
            for field in ("first_name", "last_name", "username")
        ]
        return self.select_related("teacher", "para", "school").only(
            *IDENTITY_FIELDS, "started_on", "ended_on", "school__name", *people
        )


PEOPLE_FIXED = _(
    "A pair's school and two people never change once it is made: its records are "
    "theirs. To change partners, end this pair and make a new one (Change partner)."
)
# The fields that make a pair who it is; only erasure may put a pseudonym in place
# of a person (privacy.personal_data), and the database trigger allows only that.
IDENTITY_FIELDS = ("school_id", "teacher_id", "para_id")


class PairIdentityChanged(ValidationError):
    pass


class Pair(models.Model):
    """A special educator and the para who works beside them, in one school.

    Its school and two people are fixed when it is made (``PEOPLE_FIXED``): the
    model refuses a change, and so does the database (migration 0003).
    """

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="pairs", verbose_name=_("school")
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pairs_as_teacher",
        verbose_name=PairRole.TEACHER.label,
    )
    para = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pairs_as_para",
        verbose_name=PairRole.PARA.label,
    )
    # The site's local day, not the server's (a UTC server is a day ahead every evening).
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        verbose_name = _("pair")
        verbose_name_plural = _("pairs")
        ordering = ["school__name", "teacher__last_name", "para__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "para"],
                condition=Q(ended_on__isnull=True),
                name="one_active_pair_per_couple",
                violation_error_message=_("These two people already work together as a pair."),
            ),
            models.CheckConstraint(
                condition=~Q(teacher=models.F("para")),
                name="pair_of_two_people",
                violation_error_message=_("A pair needs two different people."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="pair_ends_after_it_starts",
                violation_error_message=_("A pair cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} & {self.para}"

    def save(self, *args, **kwargs) -> None:
        if self.identity_changed():
            raise PairIdentityChanged(PEOPLE_FIXED)
        super().save(*args, **kwargs)
        self._identity_as_loaded = self._identity()

    @classmethod
    def from_db(cls, db, field_names, values):
        pair = super().from_db(db, field_names, values)
        pair._identity_as_loaded = pair._identity()
        return pair

    def clean(self) -> None:
        super().clean()
        if self.identity_changed():
            raise PairIdentityChanged(PEOPLE_FIXED)

    def _identity(self) -> dict:
        """The identity fields this pair holds. A deferred one is left out, not read:
        reading it would load the pair again and come back through ``from_db``
        (Django's delete collector reads pairs with only their keys)."""
        return {field: self.__dict__[field] for field in IDENTITY_FIELDS if field in self.__dict__}

    def identity_changed(self) -> bool:
        loaded = getattr(self, "_identity_as_loaded", None)
        if loaded is None:
            return False
        now = self._identity()
        if unread := [field for field in now if field not in loaded]:
            # Loaded deferred, then set: the database has what it was, kept as loaded.
            stored = Pair.objects.filter(pk=self.pk).values(*unread).get()
            self._identity_as_loaded = loaded = {**loaded, **stored}
        return any(now[field] != loaded[field] for field in now)

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def members(self) -> tuple:
        return (self.teacher, self.para)

    def partner_of(self, user):
        return self.para if user.pk == self.teacher_id else self.teacher

    def partner_in(self, role: PairRole):
        return self.para if role == PairRole.PARA else self.teacher

    def is_member(self, user) -> bool:
        return user.pk in (self.teacher_id, self.para_id)

    def covers(self, day: datetime.date) -> bool:
        """Whether ``day`` falls within the pair's working period."""
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)

    def today(self) -> datetime.date:
        return timezone.localdate()


@register_setting(icon="site")
class District(BaseSiteSetting):
    """The district the site serves, as its certificates name it."""

    name = models.CharField(
        _("district name"),
        max_length=200,
        blank=True,
        help_text=_("As it should appear on certificates, e.g. “Maple Valley Unified”."),
    )
    pd_sponsor = models.CharField(
        _("PD sponsor"),
        max_length=200,
        blank=True,
        help_text=_(
            "The office that sponsors the professional development hours, "
            "e.g. “Office of Special Education”."
        ),
    )

    class Meta:
        verbose_name = _("district")

    def __str__(self) -> str:
        return self.name or str(_("District"))


class DaysWithoutSchoolQuerySet(models.QuerySet):
    def from_day(self, day: datetime.date) -> DaysWithoutSchoolQuerySet:
        """Closures that end on or after ``day``, earliest first."""
        return self.filter(last_day__gte=day).order_by("first_day")


class DaysWithoutSchool(models.Model):
    """A holiday or a break: days the district's schools are closed, both ends included.

    A try-tomorrow action is offered for the next school day, so these are skipped
    as weekends are (``workspace.plans.next_school_day``).
    """

    name = models.CharField(
        _("name"), max_length=100, help_text=_("For example: Thanksgiving break.")
    )
    first_day = models.DateField(_("first day without school"))
    last_day = models.DateField(
        _("last day without school"),
        help_text=_("The same as the first day for a single day off."),
    )

    objects = DaysWithoutSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["first_day"]
        verbose_name = _("days without school")
        verbose_name_plural = _("days without school")
        indexes = [models.Index(fields=["last_day"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="days_without_school_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError(
                {"last_day": _("The last day without school cannot be before the first.")}
            )
