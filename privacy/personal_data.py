"""Export everything held about a person, and erase a person, driven by the
registry in ``privacy.registry``.

Erasing deletes what is the person's alone (progress, attempts, certificates,
assignments, sign-in addresses, sessions) and points what they share with
others (a pair's plan, check-ins and actions, audit entries) at a pseudonym: a
new, inactive account with no name or address. Afterwards no row refers to the
person's id or email address; audit entries remain, pseudonymised.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from pairs.models import Pair
from pairs.scoping import pairs_of_person_for, schools_administered_by
from privacy.registry import personal_models
from workspace.access_log import Action, Part, record_access_by

ERASE_ACTION = "tandem.erase_person"
EXPORT_ACTION = "tandem.export_person"
VIEW_ACTION = "tandem.view_person"


@dataclass(frozen=True)
class Section:
    """What one model holds about the person."""

    label: str
    title: str
    rows: list[dict]

    @property
    def columns(self) -> list[str]:
        return list(self.rows[0]) if self.rows else []


@dataclass(frozen=True)
class Visible:
    """What of a person's school-bound records an administrator may see: the
    person's pairs and schools within the administrator's scope."""

    pair_ids: frozenset[int]
    school_ids: frozenset[int]

    @classmethod
    def to(cls, admin, person) -> Visible:
        return cls(
            frozenset(pairs_of_person_for(admin, person).values_list("pk", flat=True)),
            frozenset(schools_administered_by(admin).values_list("pk", flat=True)),
        )

    def shows(self, label: str, row: dict) -> bool:
        if label == "pairs.Pair":
            return row["pk"] in self.pair_ids
        if label == "pairs.School":
            return row["pk"] in self.school_ids
        return "pair_id" not in row or row["pair_id"] in self.pair_ids


def collect(person, visible: Visible | None = None) -> list[Section]:
    """Every model's rows about ``person``, in the registry's order; empty ones left
    out. With ``visible``, rows tied to a pair or school outside it are left out too."""
    from django.apps import apps

    sections = []
    for label, declaration in personal_models():
        rows = declaration.export(person)
        if visible is not None:
            rows = [row for row in rows if visible.shows(label, row)]
        if rows:
            title = str(apps.get_model(label)._meta.verbose_name_plural).capitalize()
            sections.append(Section(label, title, rows))
    return sections


def export_person(person, by, action: str = Action.EXPORTED) -> list[Section]:
    """What an administrator sees (``action`` viewed) or downloads (exported) about
    ``person``: for a person who also belongs to another school, only what belongs
    to the administrator's schools. Recorded once in the record of access of each
    pair whose records it shows (as the pair's whole workspace), and once in the
    person's history."""
    visible = Visible.to(by, person)
    sections = collect(person, visible)
    for pair in Pair.objects.filter(pk__in=visible.pair_ids):
        record_access_by(by, pair, Part.WORKSPACE, action)
    log(person, VIEW_ACTION if action == Action.VIEWED else EXPORT_ACTION, user=by)
    return sections


def as_json(person, sections: list[Section]) -> str:
    document = {
        "person_id": person.pk,
        "exported_at": timezone.now(),
        "data": {section.label: section.rows for section in sections},
    }
    return json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def new_pseudonym():
    """An inactive account with no name or address that takes the person's place."""
    token = secrets.token_hex(6)
    pseudonym = get_user_model()(
        # The "erased-" prefix and is_active=False are what the database's pair
        # guard (pairs migration 0003) recognises as a pseudonym.
        username=f"erased-{token}",
        first_name="Erased person",
        last_name=token,
        is_active=False,
    )
    pseudonym.set_unusable_password()
    pseudonym.save()
    return pseudonym


@dataclass
class Erasure:
    pseudonym: object
    changed: dict[str, int] = field(default_factory=dict)


def erase_person(person, by) -> Erasure:
    """Erase ``person`` in one transaction: all or nothing."""
    with transaction.atomic():
        person = type(person).objects.select_for_update().get(pk=person.pk)
        erasure = Erasure(pseudonym=new_pseudonym())
        for label, declaration in personal_models():
            erasure.changed[label] = declaration.erase(person, erasure.pseudonym)
        log(erasure.pseudonym, ERASE_ACTION, user=by, data={"changed": erasure.changed})
    return erasure
