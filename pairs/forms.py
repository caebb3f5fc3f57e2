"""Admin forms for schools, pairs and people, and the CSV import's two steps.

The model forms receive the signed-in administrator as ``for_user`` (Wagtail
passes it to every ``WagtailAdminModelForm``) and offer only what that person
administers: a choice outside it fails validation like any invalid choice.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.validators import FileExtensionValidator
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from accounts import roles
from accounts.email_addresses import belongs_to_someone_else
from pairs.models import PEOPLE_FIXED, Pair, School
from pairs.scoping import administered_schools, pairs_of, people_managed_by

MAX_IMPORT_BYTES = 1_000_000
IMPORT_SIGNING_SALT = "pairs.import"
# How long a previewed file may wait for its "Import" button.
IMPORT_MAX_AGE_SECONDS = 60 * 60


class SchoolForm(WagtailAdminModelForm):
    class Meta:
        model = School
        fields = ["name", "administrators"]
        widgets = {"administrators": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["administrators"].queryset = get_user_model().objects.filter(
            groups__name=roles.SCHOOL_ADMINISTRATORS, is_active=True
        )
        self.fields["administrators"].help_text = _(
            "Members of the “School administrators” group who manage this school."
        )


class PairForm(WagtailAdminModelForm):
    class Meta:
        model = Pair
        fields = ["school", "teacher", "para", "started_on", "ended_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Shown, not changeable: the pair's records are these people's (PEOPLE_FIXED).
            for name in ("school", "teacher", "para"):
                self.fields[name].disabled = True
            self.fields["para"].help_text = PEOPLE_FIXED
        # A deactivated person stays choosable in the pair they are in, so it can be ended.
        current = [self.instance.teacher_id, self.instance.para_id]
        people = people_managed_by(self.for_user).filter(Q(is_active=True) | Q(pk__in=current))
        self.fields["school"].queryset = administered_schools(self.for_user)
        self.fields["teacher"].queryset = people.filter(role=roles.LearnerRole.TEACHER)
        self.fields["para"].queryset = people.filter(role=roles.LearnerRole.PARA)
        self.fields["ended_on"].help_text = _(
            "Leave empty while the pair works together. An ended pair keeps its records."
        )

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            return cleaned_data  # the people were checked when the pair was made
        school = cleaned_data.get("school")
        for name in ("teacher", "para"):
            person = cleaned_data.get(name)
            if school and person and not school.members.filter(pk=person.pk).exists():
                self.add_error(
                    name,
                    _("%(person)s is not a member of %(school)s; add them on the People screen.")
                    % {"person": person, "school": school},
                )
        return cleaned_data


class ChangePartnerForm(forms.Form):
    """Who takes the place of one partner, and from when (``pairs.partner_change``)."""

    new_partner = forms.ModelChoiceField(
        label=gettext_lazy("New partner"),
        queryset=get_user_model().objects.none(),
        help_text=gettext_lazy(
            "A para takes the para's place, a special educator the special educator's."
        ),
    )
    starts_on = forms.DateField(
        label=gettext_lazy("The new pair starts on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The current pair ends the day before."),
    )

    def __init__(self, *args, pair: Pair, for_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair
        self.fields["new_partner"].queryset = (
            people_managed_by(for_user)
            .filter(is_active=True, schools=pair.school)
            .filter(role__in=[roles.LearnerRole.PARA, roles.LearnerRole.TEACHER])
            .exclude(pk__in=[pair.teacher_id, pair.para_id])
            .order_by("last_name", "first_name")
        )
        self.fields["new_partner"].label_from_instance = lambda person: (
            f"{person.get_full_name()} ({person.get_role_display()})"
        )

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on < self.pair.started_on:
            raise forms.ValidationError(
                _("The new pair cannot start before this one did (%(day)s).")
                % {"day": date_format(self.pair.started_on)}
            )
        return starts_on


def person_in_active_pair(person) -> bool:
    return pairs_of(person).active().exists()


class PersonForm(WagtailAdminModelForm):
    """A para or teacher. Staff groups and superuser status are not fields here:
    a school administrator can never grant them."""

    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=[(role.value, role.label) for role in roles.LEARNER_ROLES],
    )
    schools = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Schools"),
        queryset=School.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The schools, among those you administer, they work in."),
    )

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "email", "username", "role", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.schools_in_scope = administered_schools(self.for_user)
        self.fields["schools"].queryset = self.schools_in_scope
        self.fields["email"].required = True
        self.fields["email"].help_text = _(
            "New people are sent a link at this address to set their own password."
        )
        self.fields["is_active"].help_text = _(
            "Deactivating signs the person out everywhere and ends their active pairs, which "
            "keep their records; their work leaves the reports."
        )
        if self.instance.pk:
            self.initial["schools"] = self.instance.schools.filter(pk__in=self.schools_in_scope)

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        person = self.instance
        if person.pk and role != person.role and person_in_active_pair(person):
            raise forms.ValidationError(
                _(
                    "%(person)s is in an active pair as %(role)s. End the pair first: a pair "
                    "is always a para and a special educator."
                )
                % {"person": person.get_full_name(), "role": person.get_role_display()}
            )
        return role

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        # The database refuses a duplicate sign-in address too, but this gives the
        # message in place, and counts the addresses people add on their email page.
        if belongs_to_someone_else(email, self.instance.pk):
            raise forms.ValidationError(_("Someone already uses this email address."))
        return email

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        if user._state.adding:
            user.set_unusable_password()
        if commit:
            user.save()
            self._save_m2m()
        return user

    def _save_m2m(self) -> None:
        super()._save_m2m()
        user = self.instance
        chosen = self.cleaned_data["schools"]
        # Memberships in schools this administrator cannot see are left alone.
        user.schools.remove(*self.schools_in_scope.exclude(pk__in=chosen))
        user.schools.add(*chosen)
        if "email" in self.changed_data:
            # allauth signs people in by any address it holds for them: drop the old one.
            EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        validators=[FileExtensionValidator(["csv"])],
        help_text=gettext_lazy("A .csv file of at most %(size)s, saved as UTF-8.")
        % {"size": filesizeformat(MAX_IMPORT_BYTES)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s; split it into smaller files.")
                % {"size": filesizeformat(MAX_IMPORT_BYTES)}
            )
        return upload


class ImportCommitForm(forms.Form):
    """Carries the previewed file back, signed so it cannot be altered in between,
    and tied to the administrator who previewed it."""

    payload = forms.CharField(widget=forms.HiddenInput)
    # Each import signs with its own salt: one's preview cannot be posted to another.
    salt = IMPORT_SIGNING_SALT

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    @classmethod
    def for_upload(cls, user, name: str, data: bytes) -> ImportCommitForm:
        payload = signing.dumps(
            {"user": user.pk, "name": name, "csv": data.decode("utf-8-sig")},
            salt=cls.salt,
            compress=True,
        )
        return cls(user=user, initial={"payload": payload})

    def clean_payload(self) -> dict:
        try:
            payload = signing.loads(
                self.cleaned_data["payload"],
                salt=self.salt,
                max_age=IMPORT_MAX_AGE_SECONDS,
            )
        except signing.SignatureExpired as error:
            raise forms.ValidationError(
                _("This preview is more than an hour old; upload the file again.")
            ) from error
        except signing.BadSignature:
            payload = None
        # Tied to who previewed it: the preview showed what *their* scope allows.
        if not payload or payload.get("user") != self.user.pk:
            raise forms.ValidationError(_("The file could not be read back; upload it again."))
        return payload
