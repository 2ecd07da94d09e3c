"""Opening a case for RPM: the child, the request, the meeting, the chair, the invitees.

Opening a case also fills what access control reads: `case_agencies` (the requesting agency and
every invitee's agency) and `case_members` (the chair's and facilitator's accounts), and
records the first flowchart stage ("case identified").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from data import audit
from data.access import require_case, revoke_agency
from data.actor import CHAIR, User
from data.cases import MAX_LABEL, Case, add_case_agency, ensure_agency, validate_case_ref
from data.errors import Forbidden, InvalidInput
from data.permissions import may_chair, may_facilitate, runs_meetings
from data.rpm_requests import mark_accepted
from data.store import Store
from data.text_fields import optional_text
from data.workflow import complete_stage

MAX_PURPOSE = 4000
MAX_FIELD = 200
MAX_INVITEES = 60
EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Invitee:
    name: str
    role: str | None
    agency: str
    email: str | None
    attended: bool | None = None
    invitee_id: int | None = None
    manager_email: str | None = None  # their manager's: copied on the invitation and the record


@dataclass
class CaseSetup:
    """What opening a case for RPM records; `None` fields were not given."""

    case_ref: str
    label: str | None = None
    date_of_birth: date | None = None
    requesting_agency: str | None = None
    purpose: str | None = None
    chair_username: str | None = None
    facilitator_username: str | None = None
    chair_name: str | None = None
    facilitator_name: str | None = None
    reflective_model: str = "gibbs"
    meeting_date: date | None = None
    start_time: str | None = None
    venue: str | None = None
    invitees: list[Invitee] = field(default_factory=list)


def parse_invitees(text: str) -> list[Invitee]:
    """Pure: one invitee a line, `name; role; agency; email; manager's email` (role, email and
    the manager's email may be empty)."""
    invitees = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) > 5:
            raise InvalidInput(
                f"invitee line {number} has {len(parts)} parts; write name; role; agency; email;"
                " manager's email"
            )
        name, role, agency, email, manager = [*parts, "", "", "", ""][:5]
        if not name:
            raise InvalidInput(f"invitee line {number} has no name")
        if not agency:
            raise InvalidInput(f"invitee line {number} ({name}) has no agency")
        for address in (email, manager):
            if address and not EMAIL.match(address):
                raise InvalidInput(
                    f"invitee line {number} ({name}): {address!r} is not an email address"
                )
        for label, value in (
            ("name", name), ("role", role), ("agency", agency), ("email", email),
            ("manager's email", manager),
        ):  # fmt: skip
            if len(value) > MAX_FIELD:
                raise InvalidInput(
                    f"invitee line {number}: the {label} is longer than {MAX_FIELD} characters"
                )
        invitees.append(
            Invitee(name, role or None, agency, email or None, manager_email=manager or None)
        )
    if len(invitees) > MAX_INVITEES:
        raise InvalidInput(f"{len(invitees)} invitees; the maximum is {MAX_INVITEES}")
    return invitees


def format_invitees(invitees: list[Invitee]) -> str:
    """The inverse of parse_invitees, for editing."""
    return "\n".join(
        f"{i.name}; {i.role or ''}; {i.agency}; {i.email or ''}"
        + (f"; {i.manager_email}" if i.manager_email else "")
        for i in invitees
    )


def people(store: Store) -> list[tuple[str, str]]:
    """Active accounts that can chair or facilitate: (username, role), by name."""
    return [
        (username, role)
        for username, role in store.query(
            "SELECT username, role FROM users WHERE active ORDER BY username"
        )
        if may_chair(role) or may_facilitate(role)
    ]


def _validate(cur, user: User, setup: CaseSetup) -> dict:
    """Check every field; return the resolved user ids. Raises on the first problem."""
    validate_case_ref(setup.case_ref)
    if setup.label is not None and len(setup.label) > MAX_LABEL:
        raise InvalidInput(f"the child's pseudonym is longer than {MAX_LABEL} characters")
    if not (setup.label or "").strip():
        raise InvalidInput("the child's pseudonym or initials are missing")
    if setup.date_of_birth and setup.date_of_birth > date.today():
        raise InvalidInput("the child's date of birth is in the future")
    if not (setup.requesting_agency or "").strip():
        raise InvalidInput("the requesting agency is missing")
    if not (setup.purpose or "").strip():
        raise InvalidInput("the purpose of the meeting is missing (the flowchart requires it)")
    optional_text(setup.purpose, "the purpose", MAX_PURPOSE)
    optional_text(setup.venue, "the venue", MAX_FIELD)
    if setup.start_time and not TIME.match(setup.start_time.strip()):
        raise InvalidInput(f"the start time {setup.start_time!r} is not a time like 09:30")
    if not cur.execute(
        "SELECT 1 FROM reflective_models WHERE model_key = ?", [setup.reflective_model]
    ).fetchone():
        raise InvalidInput(f"unknown reflective model {setup.reflective_model!r}")
    ids = {}
    for what, username, may in (
        ("chair", setup.chair_username, may_chair),
        ("facilitator", setup.facilitator_username, may_facilitate),
    ):
        if not username:
            raise InvalidInput(f"the {what}'s account is missing")
        row = cur.execute(
            "SELECT user_id, role FROM users WHERE username = ? AND active", [username]
        ).fetchone()
        if row is None:
            raise InvalidInput(f"the {what} {username!r} is not an active account")
        if not may(row[1]):
            raise InvalidInput(
                f"the {what} {username!r} has the role {row[1]}, which cannot {what}"
            )
        ids[what] = row[0]
    for what, value in (("chair", setup.chair_name), ("facilitator", setup.facilitator_name)):
        if not optional_text(value, f"the {what}'s name", MAX_FIELD):
            raise InvalidInput(f"the {what}'s name (as printed on documents) is missing")
    if user.role == CHAIR and user.user_id not in ids.values():
        raise InvalidInput(
            "name yourself as chair or facilitator: otherwise you could not open this case"
        )
    return ids


def _setup_agency_ids(cur, case_id: int) -> set[int]:
    """The agencies the set-up names: the requesting agency and every invitee's."""
    rows = cur.execute(
        "SELECT requesting_agency_id FROM case_requests WHERE case_id = ?"
        " UNION SELECT agency_id FROM invitees WHERE case_id = ? AND agency_id IS NOT NULL",
        [case_id, case_id],
    ).fetchall()
    return {r[0] for r in rows}


def _members(cur, case_id: int) -> dict[int, tuple[str, str]]:
    rows = cur.execute(
        "SELECT m.user_id, u.username, m.case_role FROM case_members m"
        " JOIN users u ON u.user_id = m.user_id WHERE m.case_id = ?",
        [case_id],
    ).fetchall()
    return {user_id: (username, role) for user_id, username, role in rows}


def _audit_members(cur, case, user: User, before: dict, after: dict) -> None:
    for changes, action, verb in (
        (after.keys() - before.keys(), audit.ACCESS_GRANTED, "named in"),
        (before.keys() - after.keys(), audit.ACCESS_REMOVED, "no longer in"),
    ):
        for user_id in changes:
            username, role = after.get(user_id) or before[user_id]
            audit.record(
                cur,
                user,
                action,
                case_ref=case.case_ref,
                subject=username,
                detail=f"account {username} ({role}): {verb} the case set-up",
            )


def _write(cur, case: Case, user: User, setup: CaseSetup, ids: dict) -> None:
    """Record the set-up. Access follows it: an agency (requester or invitee) or a chair or
    facilitator account it no longer names can no longer open the case, from the next request.
    Agencies given access otherwise (an upload) keep it; the set-up page's list removes them."""
    case_id = case.case_id
    agencies_before, members_before = _setup_agency_ids(cur, case_id), _members(cur, case_id)
    requesting_id = ensure_agency(cur, setup.requesting_agency)
    add_case_agency(cur, case_id, requesting_id, by=user, why="requesting agency")
    cur.execute(
        """
        INSERT INTO case_requests (case_id, requesting_agency_id, purpose, opened_by)
        VALUES (?, ?, ?, ?)
        ON CONFLICT (case_id) DO UPDATE SET requesting_agency_id = excluded.requesting_agency_id,
            purpose = excluded.purpose, updated_at = now()
        """,
        [case_id, requesting_id, setup.purpose.strip(), user.username],
    )
    cur.execute(
        "UPDATE cases SET label = ?, date_of_birth = ?, reflective_model = ? WHERE case_id = ?",
        [setup.label.strip(), setup.date_of_birth, setup.reflective_model, case_id],
    )
    # Chair and facilitator: replace the previous holders of these roles.
    cur.execute(
        "DELETE FROM case_members WHERE case_id = ? AND case_role IN ('chair', 'facilitator')",
        [case_id],
    )
    for role in ("chair", "facilitator"):
        cur.execute(
            "INSERT INTO case_members (case_id, user_id, case_role) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [case_id, ids[role], role],
        )
    # Invitees: replaced as a list, keeping attendance already recorded for the same person.
    attended = {
        (name, agency_id): att
        for name, agency_id, att in cur.execute(
            "SELECT name, agency_id, attended FROM invitees WHERE case_id = ?", [case_id]
        ).fetchall()
    }
    cur.execute("DELETE FROM invitees WHERE case_id = ?", [case_id])
    for position, inv in enumerate(setup.invitees, start=1):
        agency_id = ensure_agency(cur, inv.agency)
        add_case_agency(cur, case_id, agency_id, by=user, why=f"invitee {inv.name}")
        cur.execute(
            "INSERT INTO invitees (case_id, position, name, role, agency_id, email, attended,"
            " manager_email) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                case_id,
                position,
                inv.name,
                inv.role,
                agency_id,
                inv.email,
                attended.get((inv.name, agency_id)),
                inv.manager_email,
            ],
        )
    _upsert_meeting(cur, case_id, setup)
    for agency_id in agencies_before - _setup_agency_ids(cur, case_id):
        name = cur.execute("SELECT name FROM agencies WHERE agency_id = ?", [agency_id]).fetchone()
        revoke_agency(cur, case, agency_id, name[0], by=user, why="no longer in the case set-up")
    _audit_members(cur, case, user, members_before, _members(cur, case_id))


def _upsert_meeting(cur, case_id: int, setup: CaseSetup) -> None:
    values = [
        setup.meeting_date,
        (setup.start_time or "").strip() or None,
        optional_text(setup.venue, "the venue", MAX_FIELD),
        setup.chair_name.strip(),
        setup.facilitator_name.strip(),
    ]
    row = cur.execute(
        "SELECT meeting_id FROM meetings WHERE case_id = ? ORDER BY meeting_id DESC LIMIT 1",
        [case_id],
    ).fetchone()
    if row:
        cur.execute(
            "UPDATE meetings SET meeting_date = ?, start_time = ?, venue = ?, chair_name = ?,"
            " facilitator = ? WHERE meeting_id = ?",
            [*values, row[0]],
        )
    else:
        cur.execute(
            "INSERT INTO meetings (meeting_date, start_time, venue, chair_name, facilitator,"
            " case_id) VALUES (?, ?, ?, ?, ?, ?)",
            [*values, case_id],
        )


def open_case(
    store: Store,
    user: User,
    setup: CaseSetup,
    *,
    identified_on: date | None = None,
    from_request: int | None = None,
):
    """Create a case for RPM with everything the flowchart's first steps record; opened from an
    agency's RPM request, that request is accepted in the same transaction."""
    if not runs_meetings(user):
        raise Forbidden("only an administrator or a chair can open a case for RPM")
    identified_on = identified_on or date.today()
    with store.transaction() as cur:
        ids = _validate(cur, user, setup)
        if cur.execute("SELECT 1 FROM cases WHERE case_ref = ?", [setup.case_ref]).fetchone():
            raise InvalidInput(f"case {setup.case_ref} already exists")
        case_id = cur.execute(
            "INSERT INTO cases (case_ref, label) VALUES (?, ?) RETURNING case_id",
            [setup.case_ref, setup.label.strip()],
        ).fetchone()[0]
        _write(cur, Case(case_id, setup.case_ref, None, None, False), user, setup, ids)
        complete_stage(
            cur,
            case_id,
            "identified",
            identified_on,
            user.username,
            f"Requested by {setup.requesting_agency}",
        )
        if from_request is not None:
            mark_accepted(cur, user, from_request, case_id, setup.case_ref)
    return get_setup(store, user, setup.case_ref)


def update_setup(store: Store, user: User, setup: CaseSetup) -> CaseSetup:
    """Change what was recorded when the case was opened (not its reference)."""
    case = require_case(store, user, setup.case_ref)
    if not runs_meetings(user):
        raise Forbidden("only an administrator or the case's chair can change the case set-up")
    with store.transaction() as cur:
        ids = _validate(cur, user, setup)
        _write(cur, case, user, setup, ids)
    return get_setup(store, user, setup.case_ref)


def get_setup(store: Store, user: User, case_ref: str) -> CaseSetup:
    case = require_case(store, user, case_ref)
    row = store.query_one(
        """
        SELECT c.label, c.date_of_birth, c.reflective_model, a.name, r.purpose
        FROM cases c
        LEFT JOIN case_requests r ON r.case_id = c.case_id
        LEFT JOIN agencies a ON a.agency_id = r.requesting_agency_id
        WHERE c.case_id = ?
        """,
        [case.case_id],
    )
    setup = CaseSetup(
        case_ref=case.case_ref,
        label=row[0],
        date_of_birth=row[1],
        reflective_model=row[2],
        requesting_agency=row[3],
        purpose=row[4],
    )
    for role, username in store.query(
        "SELECT m.case_role, u.username FROM case_members m JOIN users u ON u.user_id = m.user_id"
        " WHERE m.case_id = ? AND m.case_role IN ('chair', 'facilitator')",
        [case.case_id],
    ):
        setattr(setup, f"{role}_username", username)
    if setup.facilitator_username is None:  # the chair also facilitates (one membership row)
        setup.facilitator_username = setup.chair_username
    meeting = store.query_one(
        "SELECT meeting_date, start_time, venue, chair_name, facilitator FROM meetings"
        " WHERE case_id = ? ORDER BY meeting_id DESC LIMIT 1",
        [case.case_id],
    )
    if meeting:
        (
            setup.meeting_date,
            setup.start_time,
            setup.venue,
            setup.chair_name,
            setup.facilitator_name,
        ) = meeting
    setup.invitees = case_invitees(store, case.case_id)
    return setup


def case_invitees(store: Store, case_id: int) -> list[Invitee]:
    rows = store.query(
        """
        SELECT i.name, i.role, a.name, i.email, i.attended, i.invitee_id, i.manager_email
        FROM invitees i LEFT JOIN agencies a ON a.agency_id = i.agency_id
        WHERE i.case_id = ? ORDER BY i.position
        """,
        [case_id],
    )
    return [Invitee(*row) for row in rows]


def reflective_models(store: Store) -> list[tuple[str, str]]:
    return store.query("SELECT model_key, name FROM reflective_models ORDER BY position")
