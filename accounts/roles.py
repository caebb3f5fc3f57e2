"""The roles people hold in Tandem, and the groups that carry the staff ones.

Paras and teachers are learners; their role is a field on the user because it
decides which modules are meant for them. Administrators and editors work in the
Wagtail admin and are Django groups, so Wagtail's own permission screens show
and change them. Which schools a school administrator may see is recorded on
the school (``pairs.School.administrators``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

EDITORS = "Editors"
SCHOOL_ADMINISTRATORS = "School administrators"
DISTRICT_ADMINISTRATORS = "District administrators"
STAFF_GROUPS = (EDITORS, SCHOOL_ADMINISTRATORS, DISTRICT_ADMINISTRATORS)


class LearnerRole(models.TextChoices):
    PARA = "para", _("Paraprofessional")
    TEACHER = "teacher", _("Special educator")
    NONE = "", _("Not a learner")
