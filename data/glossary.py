"""The case glossary: the people in a case, each with the role label the room uses for them
("Child J", "Mother", "Health visitor 1") and their names and aliases.

Entered at set-up and added to during the meeting by the chair, facilitator or an
administrator; anyone who may open the case reads it. It drives the anonymised views (names
replaced by role labels) and is the first source of the redaction review of shared learning.
Personal data: it never reaches the committee.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from data.access import require_case, require_meeting_editor
from data.actor import User
from data.cases import Case
from data.errors import InvalidInput, NotFound
from data.redaction import GlossaryTerm, anonymiser, propose_wording
from data.setup import case_invitees
from data.store import Store

MAX_LABEL = 60
MAX_NAME = 120
MAX_NAMES = 20
MAX_ENTRIES = 200


@dataclass(frozen=True)
class GlossaryEntry:
    entry_id: int
    role_label: str
    names: tuple[str, ...]


def parse_names(text: str) -> tuple[str, ...]:
    """Pure: names and aliases typed one a line or separated by commas or semicolons."""
    names = []
    for part in re.split(r"[\n,;]+", text or ""):
        name = " ".join(part.split())
        if name and name.lower() not in (n.lower() for n in names):
            names.append(name)
    return tuple(names)


def _check(role_label: str, names: tuple[str, ...]) -> str:
    label = " ".join((role_label or "").split())
    if not label:
        raise InvalidInput("the role label is empty (for example Mother, or Health visitor 1)")
    if len(label) > MAX_LABEL:
        raise InvalidInput(f"the role label is {len(label)} characters; the maximum is {MAX_LABEL}")
    if not names:
        raise InvalidInput(f"give at least one name or alias for {label!r}")
    if len(names) > MAX_NAMES:
        raise InvalidInput(f"{len(names)} names for {label!r}; the maximum is {MAX_NAMES}")
    for name in names:
        if len(name) > MAX_NAME:
            raise InvalidInput(f"the name {name[:40]!r}... is over {MAX_NAME} characters")
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", label, re.IGNORECASE):
            raise InvalidInput(
                f"the role label {label!r} contains the name {name!r} it replaces:"
                " choose a label that names no one (for example Child J, Mother)"
            )
    return label


def _entries(store: Store, case_id: int) -> list[GlossaryEntry]:
    return [
        GlossaryEntry(entry_id, label, tuple(json.loads(names)))
        for entry_id, label, names in store.query(
            "SELECT entry_id, role_label, names FROM glossary_entries"
            " WHERE case_id = ? AND removed_at IS NULL ORDER BY entry_id",
            [case_id],
        )
    ]


def list_glossary(store: Store, user: User, case_ref: str) -> list[GlossaryEntry]:
    case = require_case(store, user, case_ref)
    return _entries(store, case.case_id)


def save_entry(
    store: Store,
    user: User,
    case_ref: str,
    role_label: str,
    names: str | tuple[str, ...],
    entry_id: int | None = None,
) -> GlossaryEntry:
    """Add a person (or, with `entry_id`, change one). Labels are unique within the case."""
    case = require_case(store, user, case_ref)
    require_meeting_editor(store, user, case)
    names = parse_names(names) if isinstance(names, str) else tuple(names)
    label = _check(role_label, names)
    with store.transaction() as cur:
        clash = cur.execute(
            "SELECT role_label FROM glossary_entries WHERE case_id = ? AND removed_at IS NULL"
            " AND lower(role_label) = lower(?) AND entry_id IS DISTINCT FROM ?",
            [case.case_id, label, entry_id],
        ).fetchone()
        if clash:
            raise InvalidInput(
                f"the glossary already has {clash[0]!r}: add the names to that entry"
            )
        if entry_id is None:
            count = cur.execute(
                "SELECT count(*) FROM glossary_entries WHERE case_id = ? AND removed_at IS NULL",
                [case.case_id],
            ).fetchone()[0]
            if count >= MAX_ENTRIES:
                raise InvalidInput(f"the glossary holds {MAX_ENTRIES} people at most")
            entry_id = cur.execute(
                "INSERT INTO glossary_entries (case_id, role_label, names, added_by)"
                " VALUES (?, ?, ?, ?) RETURNING entry_id",
                [case.case_id, label, json.dumps(list(names)), user.username],
            ).fetchone()[0]
        elif not cur.execute(
            "UPDATE glossary_entries SET role_label = ?, names = ?, updated_by = ?,"
            " updated_at = current_timestamp"
            " WHERE entry_id = ? AND case_id = ? AND removed_at IS NULL RETURNING entry_id",
            [label, json.dumps(list(names)), user.username, entry_id, case.case_id],
        ).fetchall():
            raise NotFound(f"no glossary entry {entry_id} in case {case_ref}")
    return GlossaryEntry(entry_id, label, names)


def remove_entry(store: Store, user: User, case_ref: str, entry_id: int) -> None:
    case = require_case(store, user, case_ref)
    require_meeting_editor(store, user, case)
    with store.transaction() as cur:
        if not cur.execute(
            "UPDATE glossary_entries SET removed_by = ?, removed_at = current_timestamp"
            " WHERE entry_id = ? AND case_id = ? AND removed_at IS NULL RETURNING entry_id",
            [user.username, entry_id, case.case_id],
        ).fetchall():
            raise NotFound(f"no glossary entry {entry_id} in case {case_ref}")


def redaction_terms(store: Store, case: Case, *, with_pseudonym: bool = True) -> list[GlossaryTerm]:
    """Everyone whose name must not leave the case: the glossary first, then the child's
    pseudonym (unless `with_pseudonym` is false: the case's own pages show it), the chair, the
    facilitator and the invitees under a label for their part."""
    terms = [GlossaryTerm(e.role_label, e.names) for e in _entries(store, case.case_id)]
    if with_pseudonym and case.label and case.label != case.case_ref:
        terms.append(
            GlossaryTerm("the child", (case.label, case.label.split("(")[0]), by_parts=False)
        )
    meeting = store.query_one(
        "SELECT chair_name, facilitator FROM meetings WHERE case_id = ?"
        " ORDER BY meeting_id DESC LIMIT 1",
        [case.case_id],
    )
    for label, name in zip(("the chair", "the facilitator"), meeting or (), strict=False):
        if name:
            terms.append(GlossaryTerm(label, (name,)))
    for invitee in case_invitees(store, case.case_id):
        label = f"the {invitee.role.lower()}" if invitee.role else "a practitioner"
        terms.append(GlossaryTerm(label, (invitee.name,)))
    return terms


def known_words(store: Store) -> list[str]:
    """Capitalised words that name services, not people: agency and theme names."""
    return [n for (n,) in store.query("SELECT name FROM agencies UNION SELECT name FROM themes")]


def view_anonymiser(store: Store, user: User, case_ref: str) -> Callable[[str], str]:
    """The anonymised view's replacement of the case's people's names by their role labels
    (the glossary, the chair, the facilitator and the invitees; the pseudonym stays)."""
    case = require_case(store, user, case_ref)
    return anonymiser(redaction_terms(store, case, with_pseudonym=False))


def document_redactor(store: Store, user: User, case_ref: str) -> Callable[[str], str]:
    """The redaction review's proposal as a function, for free text in an anonymised document:
    the case's people by role label, dates as seasons, addresses, phones, e-mails, NHS and
    reference numbers, schools and other names generalised (the pseudonym stays)."""
    case = require_case(store, user, case_ref)
    terms, known = redaction_terms(store, case, with_pseudonym=False), known_words(store)
    return lambda text: propose_wording(text, terms, known)[0]


def anonymised_json(value, replace: Callable[[str], str], keep: frozenset[str] = frozenset()):
    """Pure: a JSON-like value (dicts, lists or tuples, strings, numbers) with `replace` applied
    to every string in it, except under the keys in `keep`; a copy."""
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, list | tuple):
        return type(value)(anonymised_json(item, replace, keep) for item in value)
    if isinstance(value, dict):
        return {
            key: item if key in keep else anonymised_json(item, replace, keep)
            for key, item in value.items()
        }
    return value
