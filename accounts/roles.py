"""The roles people hold in Tandem: the one vocabulary for naming them.

Paras and teachers are learners; their role is a field on the user because it
decides which modules are meant for them. Administrators and editors work in the
Wagtail admin and are Django groups, so Wagtail's own permission screens show
and change them. Which schools a school administrator may see is recorded on
the school (``pairs.School.administrators``).

The other lists below (a partner's place in a pair, who does a try-tomorrow
action, the answers to "Who does this?", the capacity an access record keeps)
name the para and the special educator with the learner roles' values and
labels, so each role has one value and one label wherever it appears. The values
are stored, in rows and in StreamField JSON: changing one needs a data migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

EDITORS = "Editors"
SCHOOL_ADMINISTRATORS = "School administrators"
DISTRICT_ADMINISTRATORS = "District administrators"
STAFF_GROUPS = (EDITORS, SCHOOL_ADMINISTRATORS, DISTRICT_ADMINISTRATORS)


class LearnerRole(models.TextChoices):
    """A person's role (``User.role``): which modules are meant for them."""

    PARA = "para", _("Para")
    TEACHER = "teacher", _("Special educator")
    NONE = "", _("Not a learner")


# The roles a learner can hold, without "not a learner".
LEARNER_ROLES = (LearnerRole.PARA, LearnerRole.TEACHER)


class PairRole(models.TextChoices):
    """A partner's place in a pair (``Pair.para``, ``Pair.teacher``): whose key an
    action waits on. It can differ from the person's own role if that changes later."""

    PARA = LearnerRole.PARA.value, LearnerRole.PARA.label
    TEACHER = LearnerRole.TEACHER.value, LearnerRole.TEACHER.label

    @property
    def counterpart(self) -> PairRole:
        """The other partner's place: a pair is one para and one special educator."""
        return PairRole.TEACHER if self is PairRole.PARA else PairRole.PARA

    @property
    def in_a_sentence(self) -> str:
        """The partner as a sentence names them: "para" or "special educator"."""
        return self.label.lower()


class ActionWho(models.TextChoices):
    """Who does a try-tomorrow action: the pair together, or one partner."""

    TOGETHER = "together", _("Together")
    TEACHER = PairRole.TEACHER.value, PairRole.TEACHER.label
    PARA = PairRole.PARA.value, PairRole.PARA.label


class WhoDoesThisAnswer(models.TextChoices):
    """The answers to a "Who does this?" quiz question, in the order they are offered."""

    TEACHER = PairRole.TEACHER.value, PairRole.TEACHER.label
    PARA = PairRole.PARA.value, PairRole.PARA.label
    BOTH = "both", _("Both")


class AccessRole(models.TextChoices):
    """In what capacity someone reached a pair's records (``AccessRecord.role``):
    as one of its partners, or as an administrator of its school or district."""

    PARA = PairRole.PARA.value, PairRole.PARA.label
    TEACHER = PairRole.TEACHER.value, PairRole.TEACHER.label
    SCHOOL_ADMINISTRATOR = "school_administrator", _("School administrator")
    DISTRICT_ADMINISTRATOR = "district_administrator", _("District administrator")
