from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts import roles


class EmailNotifications(models.TextChoices):
    """Whether, and how often, partner notifications also arrive by email."""

    OFF = "off", _("Never: I look in Tandem")
    AT_ONCE = "at_once", _("At once, one email per notification")
    DAILY = "daily", _("One summary a day")


# The permission that opens Wagtail's admin, as a lookup on Permission.
ADMIN_ACCESS = {"content_type__app_label": "wagtailadmin", "codename": "access_admin"}


class User(AbstractUser):
    """A person: a para, a teacher, or a member of staff who works in the admin.

    Email is the usual way in, so it is unique when given; staff who have no
    address sign in with their username.
    """

    email = models.EmailField(_("email address"), blank=True)
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=roles.LearnerRole.choices,
        blank=True,
        help_text=_("Paras and teachers see the modules written for them."),
    )
    # Chosen on the person's account page. Blank language: the browser's choice.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the site and of the emails Tandem sends you."),
    )
    # The id the district's roster (OneRoster ``sourcedId``) gives the person: a
    # re-import finds them by it, whatever became of their name or address.
    roster_id = models.CharField(
        _("roster id"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_("The person's id in the district's roster, set by a roster import."),
    )
    email_notifications = models.CharField(
        _("email me about my pair"),
        max_length=16,
        choices=EmailNotifications.choices,
        default=EmailNotifications.OFF,
        help_text=_("What waits for you always shows in Tandem; email is extra."),
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        indexes = [
            # The active people of a role by name, as the reports list them: a
            # page of 50 paras is read off the index instead of sorting all of them.
            models.Index(
                fields=["role", "last_name", "first_name", "id"],
                condition=models.Q(is_active=True),
                name="active_by_role_and_name",
            ),
            # The few deactivated people, whom the reports leave out
            # (``pairs.scoping.rows_of_people_in_scope``).
            models.Index(
                fields=["id"], condition=models.Q(is_active=False), name="inactive_people"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="unique_email_when_given",
                violation_error_message=_("Someone already uses this email address."),
            ),
            models.UniqueConstraint(
                fields=["roster_id"],
                condition=~models.Q(roster_id=""),
                name="unique_roster_id_when_given",
                violation_error_message=_("Someone else already has this roster id."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        """The unique constraint compares sign-in addresses only; an address
        someone added on their account's email page is theirs too
        (accounts.email_addresses). Admin forms and imports that validate the
        model get the refusal in place instead of a second claim to it."""
        super().clean()
        if not self.email:
            return
        others = type(self)._default_manager.exclude(pk=self.pk)
        if others.filter(emailaddress__email__iexact=self.email).exists():
            raise ValidationError(
                {
                    "email": _(
                        "Someone already uses this email address, as a second address "
                        "on their account."
                    )
                }
            )

    # A person loaded for a request (accounts.backends) carries two flags,
    # ``in_a_group`` and ``granted_admin_access``, that spare the queries below
    # for someone in no group. Loaded any other way, the queries are made.

    @cached_property
    def group_names(self) -> frozenset[str]:
        if hasattr(self, "in_a_group") and not self.in_a_group:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def is_para(self) -> bool:
        return self.role == roles.LearnerRole.PARA

    @property
    def is_teacher(self) -> bool:
        return self.role == roles.LearnerRole.TEACHER

    @property
    def is_district_admin(self) -> bool:
        return self.is_active and (
            self.is_superuser or roles.DISTRICT_ADMINISTRATORS in self.group_names
        )

    @property
    def is_school_admin(self) -> bool:
        return self.is_active and roles.SCHOOL_ADMINISTRATORS in self.group_names

    @property
    def is_editor(self) -> bool:
        return self.is_active and (self.is_superuser or roles.EDITORS in self.group_names)

    @property
    def works_in_admin(self) -> bool:
        """Administrators and editors: the people who must use MFA in production."""
        return self.is_superuser or bool(self.group_names & set(roles.STAFF_GROUPS))

    @cached_property
    def can_open_admin(self) -> bool:
        """Whether the Wagtail admin lets this person in, by any route: a staff
        group, a group made in the admin, or a permission given directly.

        One query at most, where ``has_perm`` would load every permission the
        person has (two queries on every page, for learners who have none); none
        for a person in no group loaded by accounts.backends.
        """
        if not self.is_active:
            return False
        if self.works_in_admin:
            return True
        if not self.group_names and hasattr(self, "granted_admin_access"):
            return self.granted_admin_access
        return Permission.objects.filter(
            Q(user=self) | Q(group__user=self), **ADMIN_ACCESS
        ).exists()


class SetupLink(models.Model):
    """A one-time link with which a person without an email address sets up their
    account (accounts.setup_links). Only a hash of its secret is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="setup_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("set-up link")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(_("Set-up link for %(person)s") % {"person": self.user})
