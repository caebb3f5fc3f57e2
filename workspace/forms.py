"""Forms for the pair's workspace. The pair, the author and the timestamps are
set by the views, never taken from what was posted.

Templates render them with ``{% include "workspace/forms/form.html" %}``: the
form renderer does not search the project's template folder.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from courses.blocks import LOOK_FORS
from courses.models import ModulePage
from pairs.models import Pair
from workspace.models import PLAN_FIELDS, CheckIn, FidelityCheck, Measure, PairAction, WeeklyPlan
from workspace.student_data import validate_no_personal_data

OUTSIDE_PERIOD = _("Pick a day while this pair works together (from %(start)s).")
OUTSIDE_PERIOD_ENDED = _("Pick a day while this pair worked together (%(start)s to %(end)s).")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # ISO format is what <input type="date"> sends and expects.
        super().__init__(attrs, format="%Y-%m-%d")


def check_in_period(pair: Pair, day: datetime.date) -> datetime.date:
    """``day``, if it falls in the pair's working period; otherwise a form error."""
    if pair.covers(day):
        return day
    params = {"start": date_format(pair.started_on)}
    if pair.ended_on:
        params["end"] = date_format(pair.ended_on)
    message = OUTSIDE_PERIOD_ENDED if pair.ended_on else OUTSIDE_PERIOD
    raise forms.ValidationError(message, code="outside_period", params=params)


class AddModuleActionsForm(forms.Form):
    """A module's try-tomorrow actions, copied onto one pair's checklist for a day."""

    module_id = forms.ModelChoiceField(
        queryset=ModulePage.objects.live().sources(), widget=forms.HiddenInput, label=_("Module")
    )
    planned_for = forms.DateField(label=_("Day to try them"), widget=DateInput)

    def __init__(self, *args, pair: Pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair

    def clean_module_id(self) -> ModulePage:
        module = self.cleaned_data["module_id"]
        if not module.actions:
            raise forms.ValidationError(_("This module has no try-tomorrow actions to add."))
        return module

    def clean_planned_for(self) -> datetime.date:
        return check_in_period(self.pair, self.cleaned_data["planned_for"])


class PairActionForm(forms.ModelForm):
    """An action the pair writes themselves, with what doing it well looks like."""

    look_fors_text = forms.CharField(
        label=_("What does doing it well look like? (optional)"),
        help_text=_("Two to five steps, one a line: the special educator ticks those she sees."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_personal_data],
    )

    class Meta:
        model = PairAction
        fields = ["text", "who", "planned_for", "records_data"]
        labels = {
            "text": _("What will you try?"),
            "who": _("Who does it?"),
            "records_data": _("Note what happened and whether it helped"),
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "planned_for": DateInput}

    def __init__(self, *args, pair: Pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair

    def clean_planned_for(self) -> datetime.date:
        return check_in_period(self.pair, self.cleaned_data["planned_for"])

    def clean_look_fors_text(self) -> str:
        steps = _steps(self.cleaned_data["look_fors_text"])
        if steps and not LOOK_FORS[0] <= len(steps) <= LOOK_FORS[1]:
            raise forms.ValidationError(
                _("Write two to five steps, one a line (or leave it empty)."), code="look_fors"
            )
        return self.cleaned_data["look_fors_text"]

    def save(self, commit=True):
        self.instance.look_fors = _steps(self.cleaned_data.get("look_fors_text", ""))
        return super().save(commit)


def _steps(text: str) -> list[str]:
    return [line.strip(" -*\t") for line in text.splitlines() if line.strip(" -*\t")]


class ActionRecordForm(forms.ModelForm):
    """What happened when the pair tried an action that asks for data."""

    class Meta:
        model = PairAction
        fields = ["note", "outcome"]
        labels = {"note": _("What happened?"), "outcome": _("Did it help?")}
        help_texts = {"note": _("Students by initials only.")}
        widgets = {"outcome": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].required = True
        # RadioSelect would otherwise offer the model's blank choice as a fourth answer.
        self.fields["outcome"].choices = PairAction.Outcome.choices


class CoachForm(forms.ModelForm):
    """The teacher's look at what the para did: the look-fors she saw, one line of
    feedback, and the button she pressed (confirm, or ask to try again)."""

    CONFIRM, TRY_AGAIN = "confirm", "try_again"

    seen = forms.TypedMultipleChoiceField(
        label=_("What did you see?"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decision = forms.ChoiceField(
        choices=[(CONFIRM, _("Confirm")), (TRY_AGAIN, _("Ask to try again"))],
        widget=forms.HiddenInput,
    )

    class Meta:
        model = FidelityCheck
        fields = ["feedback"]
        labels = {"feedback": _("One line of feedback (optional)")}
        help_texts = {
            "feedback": _("What went well, or one thing to change. Students by initials only.")
        }

    def __init__(self, *args, action: PairAction, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen"].choices = list(enumerate(action.look_fors))
        if not action.look_fors:
            del self.fields["seen"]


class MeasureForm(forms.ModelForm):
    """One simple measure on an action: what, how, for which student."""

    class Meta:
        model = Measure
        fields = ["kind", "what", "student"]
        widgets = {"kind": forms.RadioSelect}


class CheckInForm(forms.ModelForm):
    minutes = forms.IntegerField(
        label=_("Minutes spent"),
        validators=[MinValueValidator(1), MaxValueValidator(480)],
    )

    class Meta:
        model = CheckIn
        fields = ["kind", "happened_on", "minutes", "note"]
        labels = {"kind": _("What kind of meeting?"), "note": _("Notes")}
        help_texts = {"note": _("Students by initials only.")}
        widgets = {
            "kind": forms.RadioSelect,
            "happened_on": DateInput,
            "note": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, pair: Pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair

    def clean_happened_on(self) -> datetime.date:
        day = check_in_period(self.pair, self.cleaned_data["happened_on"])
        if day > self.pair.today():
            raise forms.ValidationError(_("Log a meeting once it has happened."))
        return day


class WeeklyPlanForm(forms.ModelForm):
    """The toolkit's planning template.

    ``version`` is the plan the form was based on (0 for a week with no plan yet)
    and ``base_<field>`` the values it started from, so a save over a partner's
    edit can be merged field by field (``plans.merge_plan``). After a conflict,
    ``keep_<field>`` says, for a field both changed, whose text to keep.
    """

    KEEP_MINE, KEEP_THEIRS = "mine", "theirs"

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = WeeklyPlan
        fields = list(PLAN_FIELDS)
        help_texts = {
            "priority_goals": _("Academic, behavioural or IEP goals."),
            "strategies": _("The strategies and accommodations you will both use."),
            "data_collection": _("What, how and when to collect data."),
            "communication": _("For example: a daily check-in, a shared document, a meeting."),
        }
        widgets = {
            "priority_goals": forms.Textarea(attrs={"rows": 4}),
            "strategies": forms.Textarea(attrs={"rows": 4}),
            "data_collection": forms.Textarea(attrs={"rows": 4}),
            "communication": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, conflicts: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.conflicts = conflicts
        for name in PLAN_FIELDS:
            self.fields[f"base_{name}"] = forms.CharField(
                required=False, strip=False, widget=forms.HiddenInput
            )
            self.fields[f"keep_{name}"] = forms.ChoiceField(
                label=_("Which version to keep"),
                required=False,
                choices=[
                    (self.KEEP_MINE, _("Mine, as it is in the box below")),
                    (self.KEEP_THEIRS, _("My partner's, as saved")),
                ],
                widget=forms.RadioSelect,
            )
            if name in conflicts:
                self.initial[f"keep_{name}"] = self.KEEP_MINE

    def clean(self):
        cleaned = super().clean()
        for name in PLAN_FIELDS:
            if cleaned.get(f"keep_{name}") == self.KEEP_THEIRS:
                cleaned[name] = cleaned.get(f"base_{name}", "")
        return cleaned

    def plan_rows(self) -> list[dict]:
        """Each plan field with, when both partners changed it, its choice."""
        return [
            {
                "field": self[name],
                "conflict": name in self.conflicts,
                "keep": self[f"keep_{name}"],
                "base": self[f"base_{name}"].value() or "",
            }
            for name in PLAN_FIELDS
        ]

    def plan_fields(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in PLAN_FIELDS}

    def plan_base(self) -> dict[str, str] | None:
        """What the editor started from, if the form said (it always does)."""
        if not all(f"base_{name}" in self.data for name in PLAN_FIELDS):
            return None
        return {name: self.cleaned_data[f"base_{name}"] for name in PLAN_FIELDS}
