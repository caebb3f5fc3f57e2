"""The registry of personal data: every model, of every installed app, declared.

Each model is either ``NoPersonalData`` (with the reason) or ``PersonalData``:
the fields that hold personal data, how to export what they hold about one
person, and how to erase it (delete the rows, or point them at a pseudonym so
the rest of a pair's or the site's history stays whole). ``undeclared_models``
names any model missing here, and a test fails on it, so a new model cannot
slip in without someone deciding what it holds.

``privacy.personal_data`` runs the export and the erasure from this table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.sessions.models import Session
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.roles import PairRole

Row = dict[str, Any]
Exporter = Callable[[Any], list[Row]]
# (person, pseudonym): remove or pseudonymise what the model holds about person.
Eraser = Callable[[Any, Any], int]


@dataclass(frozen=True)
class NoPersonalData:
    reason: str


@dataclass(frozen=True)
class PersonalData:
    fields: tuple[str, ...]
    export: Exporter
    erase: Eraser
    # Erased after everything else (the person's own row goes last).
    last: bool = False


def model(label: str):
    return apps.get_model(label)


def _values(queryset, fields: Iterable[str]) -> list[Row]:
    return list(queryset.order_by("pk").values("pk", *fields))


def _person_filter(person_fields: Iterable[str], person) -> Q:
    query = Q(pk__in=[])
    for name in person_fields:
        query |= Q(**{name: person})
    return query


def owned(label: str, person: str, fields: tuple[str, ...]) -> PersonalData:
    """Rows that belong to the person: exported, and deleted on erasure."""

    def export(user) -> list[Row]:
        return _values(model(label).objects.filter(**{person: user}), fields)

    def erase(user, pseudonym) -> int:
        deleted, _by_model = model(label).objects.filter(**{person: user}).delete()
        return deleted

    return PersonalData(fields, export, erase)


def attributed(
    label: str,
    people: tuple[str, ...],
    fields: tuple[str, ...],
    shared: Callable[[Any], Q] | None = None,
) -> PersonalData:
    """Rows that record who did something in a shared record (a pair's plan, a
    page's revision): exported, and pointed at the pseudonym on erasure, so the
    record itself stays for the others who share it. ``shared`` widens the export
    to rows the person co-owns without being named in them (their pairs' plans)."""

    def export(user) -> list[Row]:
        query = _person_filter(people, user)
        if shared is not None:
            query |= shared(user)
        return _values(model(label).objects.filter(query), fields)

    def erase(user, pseudonym) -> int:
        changed = 0
        for name in people:
            changed += model(label).objects.filter(**{name: user}).update(**{name: pseudonym})
        return changed

    return PersonalData(fields, export, erase)


def _in_pairs_of(user) -> Q:
    return Q(pair__teacher=user) | Q(pair__para=user)


# People -----------------------------------------------------------------------------


def _export_user(user) -> list[Row]:
    rows = _values(model("accounts.User").objects.filter(pk=user.pk), USER_FIELDS)
    for row in rows:
        row["groups"] = sorted(user.groups.values_list("name", flat=True))
    return rows


def _erase_user(user, pseudonym) -> int:
    # The last step: every row that pointed here was deleted or re-pointed first.
    deleted, _by_model = model("accounts.User").objects.filter(pk=user.pk).delete()
    return deleted


USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "language",
    "email_notifications",
    "roster_id",
    "is_active",
    "last_login",
    "date_joined",
)


def _export_schools(user) -> list[Row]:
    School = model("pairs.School")
    return [
        {"pk": school.pk, "name": school.name, "as": role}
        for role, schools in (
            ("member", School.objects.filter(members=user)),
            ("administrator", School.objects.filter(administrators=user)),
        )
        for school in schools.order_by("pk")
    ]


def _erase_schools(user, pseudonym) -> int:
    School = model("pairs.School")
    removed = 0
    for through in (School.members.through, School.administrators.through):
        deleted, _by_model = through.objects.filter(user=user).delete()
        removed += deleted
    return removed


def _export_pairs(user) -> list[Row]:
    pairs = model("pairs.Pair").objects.filter(Q(teacher=user) | Q(para=user))
    return [
        {
            "pk": pair.pk,
            "school": pair.school.name,
            "role": PairRole.TEACHER if pair.teacher_id == user.pk else PairRole.PARA,
            "partner": str(pair.partner_of(user)),
            "started_on": pair.started_on,
            "ended_on": pair.ended_on,
        }
        for pair in pairs.select_related("school", "teacher", "para").order_by("pk")
    ]


def _erase_pairs(user, pseudonym) -> int:
    """The pair's records stay with the partner; the erased person's place is taken
    by the pseudonym, and a pair still running ends today (nobody is left in it)."""
    Pair = model("pairs.Pair")
    today = timezone.localdate()
    changed = 0
    for pair in Pair.objects.filter(Q(teacher=user) | Q(para=user)):
        # An update, not save(): a pair's people are fixed (Pair.save refuses), and
        # the database lets only erasure's pseudonym take a person's place.
        Pair.objects.filter(pk=pair.pk).update(
            teacher_id=pseudonym.pk if pair.teacher_id == user.pk else pair.teacher_id,
            para_id=pseudonym.pk if pair.para_id == user.pk else pair.para_id,
            ended_on=pair.ended_on or max(today, pair.started_on),
        )
        # save() would have refreshed Wagtail's reference index; an update does not.
        model("wagtailcore.ReferenceIndex").create_or_update_for_object(
            Pair.objects.get(pk=pair.pk)
        )
        changed += 1
    return changed


# Sessions and queued email ----------------------------------------------------------


def _sessions_of(user) -> list[Session]:
    """Sessions signed in as ``user``: the id is inside the signed, encoded data,
    so each is decoded (an erasure is rare; the table is read once)."""
    return [
        session
        for session in Session.objects.iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]


def _export_sessions(user) -> list[Row]:
    return [{"expire_date": session.expire_date} for session in _sessions_of(user)]


def _erase_sessions(user, pseudonym) -> int:
    keys = [session.session_key for session in _sessions_of(user)]
    deleted, _by_model = Session.objects.filter(session_key__in=keys).delete()
    return deleted


# Tasks whose first argument is a person's id (the rest carry addresses or
# assignment ids, which go with the person's assignments).
PERSON_ID_TASKS = ("reporting.reminders.send_admin_digest", "pairs.invitations.send_welcome")


def _tasks_about(user):
    DBTaskResult = model("django_tasks_database.DBTaskResult")
    query = Q(task_path__in=PERSON_ID_TASKS, args_kwargs__args__0=user.pk)
    if user.email:
        query |= Q(as_text__icontains=user.email)
    return DBTaskResult.objects.annotate(as_text=Cast("args_kwargs", TextField())).filter(query)


def _export_tasks(user) -> list[Row]:
    return _values(_tasks_about(user), ("task_path", "status", "enqueued_at", "args_kwargs"))


def _erase_tasks(user, pseudonym) -> int:
    DBTaskResult = model("django_tasks_database.DBTaskResult")
    deleted, _by_model = DBTaskResult.objects.filter(
        pk__in=list(_tasks_about(user).values_list("pk", flat=True))
    ).delete()
    return deleted


# Audit entries ----------------------------------------------------------------------


def person_labels(user) -> list[str]:
    """Strings by which an audit entry may name the person (longest first)."""
    labels = {user.get_full_name(), user.email, str(user)}
    return sorted((label for label in labels if label), key=len, reverse=True)


def _replace(value, labels: list[str], pseudonym_label: str):
    if isinstance(value, str):
        for label in labels:
            value = value.replace(label, pseudonym_label)
        return value
    if isinstance(value, dict):
        return {key: _replace(item, labels, pseudonym_label) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace(item, labels, pseudonym_label) for item in value]
    return value


def _log_entries_about(label: str, user):
    LogEntry = model(label)
    User = model("accounts.User")
    query = Q(user=user)
    for text in person_labels(user):
        query |= Q(label__icontains=text) | Q(data_text__icontains=text)
    if label == "wagtailcore.ModelLogEntry":
        query |= Q(content_type__app_label=User._meta.app_label, content_type__model="user") & Q(
            object_id=str(user.pk)
        )
    return LogEntry.objects.annotate(data_text=Cast("data", TextField())).filter(query)


def log_entries(label: str) -> PersonalData:
    """Audit entries stay, pseudonymised: who did it, and any mention of the person."""

    def export(user) -> list[Row]:
        return _values(_log_entries_about(label, user), ("action", "label", "timestamp", "data"))

    def erase(user, pseudonym) -> int:
        labels, replacement = person_labels(user), str(pseudonym)
        changed = 0
        for entry in _log_entries_about(label, user):
            if entry.user_id == user.pk:
                entry.user = pseudonym
            if getattr(entry, "object_id", None) == str(user.pk):
                entry.object_id = str(pseudonym.pk)
            entry.label = _replace(entry.label, labels, replacement)
            entry.data = _replace(entry.data, labels, replacement)
            entry.save()
            changed += 1
        return changed

    return PersonalData(("user", "label", "data"), export, erase)


def _export_revisions(user) -> list[Row]:
    return _values(
        model("wagtailcore.Revision").objects.filter(user=user),
        ("object_str", "created_at", "base_content_type__model"),
    )


def _erase_revisions(user, pseudonym) -> int:
    """Revisions keep their author as the pseudonym; a page's stored copy of its
    owner and lock holder is re-pointed too, or restoring it would bring them back."""
    Revision = model("wagtailcore.Revision")
    changed = Revision.objects.filter(user=user).update(user=pseudonym)
    for key in ("owner", "locked_by"):
        for revision in Revision.objects.filter(**{f"content__{key}": user.pk}):
            revision.content[key] = pseudonym.pk
            revision.save(update_fields=["content"])
            changed += 1
    return changed


def _export_access(user) -> list[Row]:
    return _values(
        model("checklists.AccessRecord").objects.filter(user_id=user.pk),
        ("pair_id", "role", "part", "action", "at"),
    )


def _erase_access(user, pseudonym) -> int:
    return model("checklists.AccessRecord").objects.pseudonymise(user.pk, pseudonym.pk)


def _in_actions_of(user) -> Q:
    return Q(action__pair__teacher=user) | Q(action__pair__para=user)


def _in_measures_of(user) -> Q:
    return Q(measure__action__pair__teacher=user) | Q(measure__action__pair__para=user)


def _export_measures(user) -> list[Row]:
    return _values(
        model("checklists.Measure").objects.filter(_in_actions_of(user)),
        ("action_id", "kind", "what", "student", "created_at"),
    )


def _keep_pairs_measures(user, pseudonym) -> int:
    """A measure names no person: it stays with the pair, like the pair's checklist."""
    return 0


def _export_notifications(user) -> list[Row]:
    return _values(
        model("checklists.Notification").objects.filter(Q(recipient=user) | Q(actor=user)),
        ("recipient_id", "actor_id", "pair_id", "kind", "action_id", "week_of", "created_at",
         "read_at", "emailed_at"),
    )  # fmt: skip


def _erase_notifications(user, pseudonym) -> int:
    """What was waiting for the person goes; what they did stays for their partner,
    done by the pseudonym."""
    Notification = model("checklists.Notification")
    deleted, _by_model = Notification.objects.filter(recipient=user).delete()
    return deleted + Notification.objects.filter(actor=user).update(actor=pseudonym)


def _export_assignments(user) -> list[Row]:
    return _values(
        model("courses.Assignment").objects.filter(Q(user=user) | Q(assigned_by=user)),
        ("user_id", "page__title", "due_on", "note", "assigned_by_id", "created_at"),
    )


def _erase_assignments(user, pseudonym) -> int:
    """The person's own assignments go (with their reminders); those they handed
    out to others stay, as given by the pseudonym."""
    Assignment = model("courses.Assignment")
    deleted, _by_model = Assignment.objects.filter(user=user).delete()
    return deleted + Assignment.objects.filter(assigned_by=user).update(assigned_by=pseudonym)


def _export_reminders(user) -> list[Row]:
    return _values(
        model("courses.ReminderLog").objects.filter(assignment__user=user),
        ("assignment_id", "kind", "due_on", "sent_at"),
    )


def _erase_reminders(user, pseudonym) -> int:
    deleted, _by_model = model("courses.ReminderLog").objects.filter(assignment__user=user).delete()
    return deleted


def _export_confirmations(user) -> list[Row]:
    return _values(
        model("account.EmailConfirmation").objects.filter(email_address__user=user),
        ("email_address__email", "created", "sent"),
    )


def _erase_confirmations(user, pseudonym) -> int:
    deleted, _by_model = (
        model("account.EmailConfirmation").objects.filter(email_address__user=user).delete()
    )
    return deleted


def _export_outside_pd(user) -> list[Row]:
    return _values(
        model("hours.OutsidePD").objects.filter(Q(person=user) | Q(entered_by=user)),
        ("person_id", "title", "provider", "completed_on", "hours", "delivery", "evidence",
         "entered_by_id"),
    )  # fmt: skip


def _erase_outside_pd(user, pseudonym) -> int:
    """The person's outside PD goes, evidence files too (removed once the erasure
    commits, so a rolled-back erasure keeps them); entries they made for others
    stay, as entered by the pseudonym."""
    from hours.evidence import delete_files_on_commit

    OutsidePD = model("hours.OutsidePD")
    own = OutsidePD.objects.filter(person=user)
    delete_files_on_commit(own.exclude(evidence="").values_list("evidence", flat=True))
    deleted, _by_model = own.delete()
    return deleted + OutsidePD.objects.filter(entered_by=user).update(entered_by=pseudonym)


PAGE_TYPE = NoPersonalData(
    "A page type: its owner and lock holder are wagtailcore.Page fields, declared there."
)
PERMISSIONS = NoPersonalData("Who may do what, by group: names no person.")
WORKFLOW = NoPersonalData("A workflow's definition; who acted is on WorkflowState/TaskState.")

REGISTRY: dict[str, NoPersonalData | PersonalData] = {
    # Tandem
    "accounts.User": PersonalData(USER_FIELDS, _export_user, _erase_user, last=True),
    "pairs.School": PersonalData(("members", "administrators"), _export_schools, _erase_schools),
    "pairs.Pair": PersonalData(("teacher", "para"), _export_pairs, _erase_pairs),
    "pairs.District": NoPersonalData("The district's name and PD sponsor, per site."),
    "pairs.DaysWithoutSchool": NoPersonalData("The district's holidays and breaks."),
    "courses.Assignment": PersonalData(
        ("user", "assigned_by", "note"), _export_assignments, _erase_assignments
    ),
    "courses.ReminderLog": PersonalData(
        ("assignment", "kind", "sent_at"), _export_reminders, _erase_reminders
    ),
    "courses.ModuleProgress": owned(
        "courses.ModuleProgress",
        "user",
        ("module__title", "started_at", "read_at", "passed_at", "completed_at"),
    ),
    "courses.QuizAttempt": owned(
        "courses.QuizAttempt",
        "user",
        ("module__title", "answers", "choice_order", "score", "passed", "created_at"),
    ),
    "courses.PreCheck": owned(
        "courses.PreCheck",
        "user",
        ("module__title", "answers", "choice_order", "score", "created_at"),
    ),
    "courses.MissedQuestion": owned(
        "courses.MissedQuestion",
        "user",
        ("attempt_id", "module__title", "question_id", "first_attempt"),
    ),
    "courses.FirstTryMisses": NoPersonalData(
        "How many people missed each question on a first try; no one is named."
    ),
    "courses.ModuleTally": NoPersonalData(
        "How many people started and completed each module; no one is named."
    ),
    "courses.Certificate": owned(
        "courses.Certificate",
        "user",
        ("recipient_name", "course_title", "hours", "issued_at", "verification_code"),
    ),
    "courses.CourseIndexPage": PAGE_TYPE,
    "courses.CoursePage": PAGE_TYPE,
    "courses.ModulePage": PAGE_TYPE,
    "content.HomePage": PAGE_TYPE,
    "content.StandardPage": PAGE_TYPE,
    "checklists.PairAction": attributed(
        "checklists.PairAction",
        ("added_by", "noted_by"),
        (
            "pair_id",
            "text",
            "planned_for",
            "para_done_at",
            "teacher_done_at",
            "note",
            "outcome",
            "look_fors",
        ),
        shared=_in_pairs_of,
    ),
    "checklists.WeeklyPlan": attributed(
        "checklists.WeeklyPlan",
        ("updated_by",),
        (
            "pair_id",
            "week_of",
            "students",
            "priority_goals",
            "strategies",
            "data_collection",
            "communication",
            "updated_at",
        ),
        shared=_in_pairs_of,
    ),
    "checklists.CheckIn": attributed(
        "checklists.CheckIn",
        ("author",),
        ("pair_id", "kind", "happened_on", "minutes", "note"),
        shared=_in_pairs_of,
    ),
    "hours.OutsidePD": PersonalData(
        ("person", "title", "provider", "evidence", "entered_by"),
        _export_outside_pd,
        _erase_outside_pd,
    ),
    "hours.CheckInConfirmation": attributed(
        "hours.CheckInConfirmation",
        ("confirmed_by",),
        ("check_in_id", "check_in__pair_id", "confirmed_at"),
        shared=lambda user: Q(check_in__pair__teacher=user) | Q(check_in__pair__para=user),
    ),
    "hours.PersonnelRecord": owned(
        "hours.PersonnelRecord", "person", ("hired_on", "registration_starts_on")
    ),
    "hours.HoursRules": NoPersonalData("Which state rules the district follows."),
    # Deleting the rows removes their evidence files (hours.signals).
    "hours.TitleIQualification": owned(
        "hours.TitleIQualification", "person", ("route", "qualified_on", "evidence", "note")
    ),
    # The secret's hash is not exported: it opens the feed, and says nothing of them.
    "hours.CalendarFeed": owned("hours.CalendarFeed", "person", ("created_at",)),
    "reporting.AdminDigest": owned(
        "reporting.AdminDigest", "administrator", ("week_of", "sent_at")
    ),
    "checklists.AccessRecord": PersonalData(("user", "role"), _export_access, _erase_access),
    "checklists.FidelityCheck": attributed(
        "checklists.FidelityCheck",
        ("observer",),
        ("action_id", "seen", "total", "feedback", "try_again", "at"),
        shared=_in_actions_of,
    ),
    "checklists.Measure": PersonalData(
        ("action", "student", "what"), _export_measures, _keep_pairs_measures
    ),
    "checklists.MeasureDay": attributed(
        "checklists.MeasureDay",
        ("recorded_by",),
        ("measure_id", "day", "value", "recorded_at"),
        shared=_in_measures_of,
    ),
    "checklists.Notification": PersonalData(
        ("recipient", "actor"), _export_notifications, _erase_notifications
    ),
    # Wagtail
    "wagtailcore.Page": attributed(
        "wagtailcore.Page", ("owner", "locked_by"), ("title", "first_published_at")
    ),
    "wagtailcore.Revision": PersonalData(("user",), _export_revisions, _erase_revisions),
    "wagtailcore.ModelLogEntry": log_entries("wagtailcore.ModelLogEntry"),
    "wagtailcore.PageLogEntry": log_entries("wagtailcore.PageLogEntry"),
    "wagtailcore.Comment": attributed(
        "wagtailcore.Comment", ("user", "resolved_by"), ("page__title", "text", "created_at")
    ),
    "wagtailcore.CommentReply": attributed(
        "wagtailcore.CommentReply", ("user",), ("comment_id", "text", "created_at")
    ),
    "wagtailcore.PageSubscription": owned(
        "wagtailcore.PageSubscription", "user", ("page__title", "comment_notifications")
    ),
    "wagtailcore.WorkflowState": attributed(
        "wagtailcore.WorkflowState", ("requested_by",), ("status", "created_at")
    ),
    "wagtailcore.TaskState": attributed(
        "wagtailcore.TaskState", ("finished_by",), ("status", "finished_at", "comment")
    ),
    "wagtailcore.APIToken": owned("wagtailcore.APIToken", "user", ("name", "created")),
    "wagtailcore.UploadedFile": owned("wagtailcore.UploadedFile", "uploaded_by_user", ("file",)),
    "wagtailcore.Locale": NoPersonalData("A language the site is in."),
    # An empty table: it exists to carry the "submit translation" permission.
    "simple_translation.SimpleTranslation": NoPersonalData(
        "Holds only the permission to translate pages."
    ),
    "wagtailcore.Site": NoPersonalData("A host name and its root page."),
    "wagtailcore.Collection": NoPersonalData("A folder for documents and images."),
    "wagtailcore.CollectionViewRestriction": PERMISSIONS,
    "wagtailcore.GroupCollectionPermission": PERMISSIONS,
    "wagtailcore.GroupSitePermission": PERMISSIONS,
    "wagtailcore.GroupPagePermission": PERMISSIONS,
    "wagtailcore.PageViewRestriction": PERMISSIONS,
    "wagtailcore.Workflow": WORKFLOW,
    "wagtailcore.WorkflowTask": WORKFLOW,
    "wagtailcore.WorkflowContentType": WORKFLOW,
    "wagtailcore.WorkflowPage": WORKFLOW,
    "wagtailcore.Task": WORKFLOW,
    "wagtailcore.GroupApprovalTask": WORKFLOW,
    "wagtailcore.ReferenceIndex": NoPersonalData(
        "Which content links to which: pages, documents and images, not people."
    ),
    "wagtailusers.UserProfile": owned(
        "wagtailusers.UserProfile",
        "user",
        ("preferred_language", "current_time_zone", "avatar", "theme"),
    ),
    "wagtailadmin.Admin": NoPersonalData("Holds only the admin-access permission; no rows."),
    "wagtailadmin.EditingSession": owned(
        "wagtailadmin.EditingSession", "user", ("object_id", "last_seen_at")
    ),
    "wagtailadmin.FormState": owned(
        "wagtailadmin.FormState", "user", ("object_id", "data", "last_updated_at")
    ),
    "wagtaildocs.Document": attributed(
        "wagtaildocs.Document", ("uploaded_by_user",), ("title", "created_at")
    ),
    "wagtailimages.Image": attributed(
        "wagtailimages.Image", ("uploaded_by_user",), ("title", "created_at")
    ),
    "wagtailimages.Rendition": NoPersonalData("A resized copy of an image."),
    "wagtailembeds.Embed": NoPersonalData("A cached video embed, fetched by URL."),
    "wagtailredirects.Redirect": NoPersonalData("An old path and where it now leads."),
    "wagtailforms.FormSubmission": NoPersonalData(
        "Tandem defines no form pages (wagtail.contrib.forms is installed for its "
        "dependencies), so no submission is ever stored."
    ),
    "wagtailsearch.IndexEntry": NoPersonalData(
        "The search index of pages, documents and images; people are not indexed."
    ),
    "wagtailsearch.SQLiteFTSIndexEntry": NoPersonalData(
        "SQLite's full-text copy of wagtailsearch.IndexEntry."
    ),
    "taggit.Tag": NoPersonalData("A tag on a document or image."),
    "taggit.TaggedItem": NoPersonalData("Which document or image has which tag."),
    # allauth
    "account.EmailAddress": owned("account.EmailAddress", "user", ("email", "verified", "primary")),
    "account.EmailConfirmation": PersonalData(
        ("email_address", "key"), _export_confirmations, _erase_confirmations
    ),
    "mfa.Authenticator": owned("mfa.Authenticator", "user", ("type", "created_at", "last_used_at")),
    "socialaccount.SocialAccount": owned(
        "socialaccount.SocialAccount", "user", ("provider", "uid", "last_login", "extra_data")
    ),
    "socialaccount.SocialToken": NoPersonalData(
        "Never stored: SOCIALACCOUNT_STORE_TOKENS is off (config/settings/base.py)."
    ),
    "socialaccount.SocialApp": NoPersonalData(
        "Never stored: providers come from settings alone (accounts.social)."
    ),
    "usersessions.UserSession": owned(
        "usersessions.UserSession", "user", ("ip", "user_agent", "created_at", "last_seen_at")
    ),
    "accounts.SetupLink": owned(
        "accounts.SetupLink", "user", ("created_at", "expires_at", "used_at")
    ),
    # Django and django-tasks
    "sessions.Session": PersonalData(("session_data",), _export_sessions, _erase_sessions),
    "django_tasks_database.DBTaskResult": PersonalData(
        ("args_kwargs",), _export_tasks, _erase_tasks
    ),
    "auth.Permission": PERMISSIONS,
    "auth.Group": NoPersonalData("A role's name; who is in it is on the person (User.groups)."),
    "contenttypes.ContentType": NoPersonalData("The names of the models."),
}


def model_label(model_class) -> str:
    return model_class._meta.label


def undeclared_models() -> list[str]:
    """Installed models that the registry says nothing about."""
    return sorted(label for label in map(model_label, apps.get_models()) if label not in REGISTRY)


def personal_models() -> list[tuple[str, PersonalData]]:
    """The models holding personal data, the person's own row last."""
    entries = [(label, e) for label, e in REGISTRY.items() if isinstance(e, PersonalData)]
    return sorted(entries, key=lambda item: item[1].last)
