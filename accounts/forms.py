from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.email_addresses import TAKEN_BY_SOMEONE_ELSE, belongs_to_someone_else
from accounts.models import User


class AddEmailForm(AllauthAddEmailForm):
    """allauth's form for adding an address, refusing someone else's.

    With ACCOUNT_PREVENT_ENUMERATION on, allauth's form accepts an address that
    is taken and emails its owner a link that would confirm it onto this
    account (allauth/account/forms.py, ``AddEmailForm.clean_email``). Here the
    person is told instead. Enumeration prevention guards the pages a stranger
    can reach; this one needs an account, which only an administrator gives,
    and allauth's "manage_email" rate limit bounds how many addresses a person
    can try. Someone typing their own address that sits on a second account
    needs to know why it was refused, to get the accounts sorted out; and a
    silent "success" that never arrives would only send them to try again.
    """

    def clean_email(self) -> str:
        email = super().clean_email()
        if belongs_to_someone_else(email, self.user.pk):
            raise ValidationError(TAKEN_BY_SOMEONE_ELSE, code="email_taken")
        return email


class LanguageSelect(forms.Select):
    """Each language named in itself, and marked so (``lang``), so a screen reader
    reads "Español" as Spanish on an English page."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


class MyAccountForm(forms.ModelForm):
    """What a person sets about themselves on My account."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "email_notifications"]
        widgets = {"email_notifications": forms.RadioSelect, "language": LanguageSelect}
        labels = {"language": _("Language")}
        help_texts = {"language": _("The language of the site and of the emails Tandem sends you.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("The one my browser asks for")),
            *settings.LANGUAGES,
        ]
