"""The flowchart's last two steps, recorded where they happen: the Case Review Committee's
decisions on the organisational learning and the organisational actions it plans (stage 6,
"Case Review Committee considered the learning"), and the briefings and workshops that tell
frontline practitioners (stage 7, "Frontline practitioners informed").

The committee works on case keys, never case references: a decision or a briefing is about one
case (by its key, among the cases whose latest record is signed off) or a theme across every
such case whose shared learning carries it. Recording either completes the stage for every case
it covers, in the same transaction, with the date and who. The committee's own words are
refused while they hold a name or an identifier of a case they cover, as the redaction review
refuses them in shared wording.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from data import audit
from data.actor import User
from data.agency_names import find_agency
from data.cases import Case
from data.contributions import agency_id_for, clean_text
from data.dates import typed_date
from data.errors import Forbidden, InvalidInput, NotFound
from data.glossary import known_words, redaction_terms
from data.learning import STATUSES
from data.permissions import explores_committee
from data.redaction import KIND_NAMES, remaining_identifiers
from data.store import Store
from data.vocabulary import ACTION_STATUSES
from data.workflow import complete_stage, follow_stage

KINDS = {"briefing": "7-minute briefing", "workshop": "Workshop"}
MAX_AUDIENCE = 200
MAX_ATTENDED = 100_000


@dataclass(frozen=True)
class Subject:
    """What a decision or a briefing is about: one case by its key, or a theme across cases."""

    case_key: str | None = None
    theme: str | None = None

    def describe(self) -> str:
        return f"case {self.case_key}" if self.case_key else f"the theme {self.theme}"

    def matches(self, theme: str | None, case_keys: Sequence[str]) -> bool:
        """Whether a decision or delivery on (theme, cases) is about this subject: for a case,
        its own and those on themes covering it; for a theme, those on it."""
        return self.case_key in case_keys if self.case_key else theme == self.theme


@dataclass(frozen=True)
class RecordChange:
    """A correction or withdrawal of a decision or a delivery: what it said before (and after),
    why, who and when."""

    change: str
    before: dict
    after: dict | None
    reason: str
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True)
class CommitteeAction:
    action_id: int
    decision_id: int
    description: str
    owner_agency: str
    due_date: date | None
    status: str
    evidence: str | None
    completed_on: date | None

    @property
    def status_name(self) -> str:
        return ACTION_STATUSES[self.status]


@dataclass(frozen=True)
class Decision:
    decision_id: int
    theme: str | None
    case_keys: tuple[str, ...]
    considered: str
    decision: str
    decided_on: date
    recorded_by: str
    recorded_at: datetime
    actions: tuple[CommitteeAction, ...]
    changes: tuple[RecordChange, ...] = ()
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None


@dataclass(frozen=True)
class Delivery:
    delivery_id: int
    theme: str | None
    case_keys: tuple[str, ...]
    kind: str
    delivered_on: date
    audience: str
    agencies: tuple[str, ...]
    attended: int
    recorded_by: str
    changes: tuple[RecordChange, ...] = ()
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None


def require_committee(user: User) -> None:
    if not explores_committee(user):
        raise Forbidden(
            "the committee's decisions and briefings are for Case Review Committee members and"
            " administrators"
        )


# --- which cases a subject covers -------------------------------------------------------------

# The cases the committee can consider: those whose latest record version is signed off.
_CONSIDERED = """
    SELECT k.case_id, k.case_key FROM committee_records r
    JOIN crc_case_keys k ON k.case_id = r.case_id
"""


def _covered(cur, subject: Subject) -> list[tuple[int, str]]:
    """(case_id, case_key) of every case the subject covers; InvalidInput/NotFound if none."""
    if (subject.case_key is None) == (subject.theme is None):
        raise InvalidInput("choose one case key or one theme")
    if subject.case_key is not None:
        rows = cur.execute(
            f"SELECT * FROM ({_CONSIDERED}) WHERE case_key = ?", [subject.case_key]
        ).fetchall()
        if not rows:
            raise NotFound(
                f"no case with the key {subject.case_key!r} has a signed-off record for the"
                " committee"
            )
        return rows
    rows = cur.execute(
        f"""SELECT DISTINCT c.case_id, c.case_key FROM ({_CONSIDERED}) c
        JOIN committee_records r ON r.case_id = c.case_id
        JOIN committee_learning_themes clt ON clt.record_id = r.record_id
        JOIN themes t ON t.theme_id = clt.theme_id
        WHERE t.name = ? ORDER BY c.case_key""",
        [subject.theme],
    ).fetchall()
    if not rows:
        raise InvalidInput(
            f"no signed-off learning shared with the committee has the theme {subject.theme!r}"
        )
    return rows


def _case(cur, case_id: int) -> Case:
    return Case(
        *cur.execute(
            "SELECT case_id, case_ref, label, date_of_birth, is_demo FROM cases WHERE case_id = ?",
            [case_id],
        ).fetchone()
    )


def check_words(store: Store, cur, case_ids: Sequence[int], texts: dict[str, str | None]) -> None:
    """Refuse the committee's words while one of them holds a case reference, a name or an
    identifier of a covered case (what the redaction review refuses in shared wording)."""
    known = known_words(store)
    for case_id in case_ids:
        case = _case(cur, case_id)
        terms = redaction_terms(store, case)
        for what, text in texts.items():
            if not text:
                continue
            if case.case_ref.lower() in text.lower():
                raise InvalidInput(f"{what} names a case reference: the committee uses case keys")
            left = remaining_identifiers(text, terms, known)
            if left:
                found = "; ".join(f"{KIND_NAMES[m.kind]} \u201c{m.text}\u201d" for m in left)
                raise InvalidInput(f"{what} identifies someone in a case it covers: {found}")


def _check_day(on, what: str, today: date | None) -> date:
    if on in (None, ""):
        raise InvalidInput(f"the date {what} is missing")
    if not isinstance(on, date):
        try:
            on = typed_date(on)
        except ValueError as exc:
            raise InvalidInput(f"the date {what}: {exc}") from exc
    if on > (today or date.today()):
        raise InvalidInput(f"the date {what} ({on:%d %b %Y}) is in the future")
    return on


def _check_after_earlier_stages(cur, covered, stage_key: str, on: date, what: str) -> None:
    """A stage is never dated before the stages before it: refuse rather than move the date."""
    for case_id, case_key in covered:
        row = cur.execute(
            """SELECT max(w.done_on) FROM case_workflow w
            JOIN workflow_stages s ON s.stage_key = w.stage_key
            WHERE w.case_id = ? AND s.position < (
                SELECT position FROM workflow_stages WHERE stage_key = ?)
              AND NOT EXISTS (SELECT 1 FROM case_workflow x
                              WHERE x.case_id = w.case_id AND x.stage_key = ?)""",
            [case_id, stage_key, stage_key],
        ).fetchone()
        if row[0] is not None and on < row[0]:
            raise InvalidInput(
                f"{what} cannot be dated {on:%d %b %Y}: case {case_key}'s earlier stages were"
                f" recorded up to {row[0]:%d %b %Y}"
            )


def _link(cur, table: str, key: str, key_id: int, case_ids: Sequence[int]) -> None:
    for case_id in case_ids:
        cur.execute(f"INSERT INTO {table} ({key}, case_id) VALUES (?, ?)", [key_id, case_id])


# --- decisions and actions (stage 6) ----------------------------------------------------------


def record_decision(
    store: Store,
    user: User,
    subject: Subject,
    considered: str,
    decision: str,
    decided_on,
    *,
    today: date | None = None,
    ip: str | None = None,
) -> int:
    """The committee's decision on a case's (or a theme's) organisational learning. Records
    stage 6 for every case it covers (unless already recorded). Returns the decision's id."""
    require_committee(user)
    considered = clean_text(considered, "what the committee considered")
    decision = clean_text(decision, "the committee's decision")
    decided_on = _check_day(decided_on, "of the committee's decision", today)
    with store.transaction() as cur:
        covered = _covered(cur, subject)
        case_ids = [case_id for case_id, _ in covered]
        check_words(
            store, cur, case_ids, {"what was considered": considered, "the decision": decision}
        )
        _check_after_earlier_stages(
            cur, covered, "crc_considered", decided_on, "the committee's decision"
        )
        decision_id = cur.execute(
            "INSERT INTO committee_decisions (theme, considered, decision, decided_on,"
            " recorded_by) VALUES (?, ?, ?, ?, ?) RETURNING decision_id",
            [subject.theme, considered, decision, decided_on, user.username],
        ).fetchone()[0]
        _link(cur, "committee_decision_cases", "decision_id", decision_id, case_ids)
        for case_id, _key in covered:
            complete_stage(
                cur,
                case_id,
                "crc_considered",
                decided_on,
                user.username,
                f"Case Review Committee decision {decision_id} on {subject.describe()}",
                completed_by="decision",
            )
        audit.record(
            cur,
            user,
            audit.CHANGE,
            detail=f"committee decision {decision_id} on {subject.describe()}"
            f" ({len(case_ids)} case{'s' * (len(case_ids) != 1)})",
            ip=ip,
        )
    return decision_id


def _check_action(cur, description, owner_agency, due_date, status, evidence):
    description = clean_text(description, "the organisational action")
    if not owner_agency:
        raise InvalidInput("choose the agency that owns the action")
    owner_agency_id = agency_id_for(cur, owner_agency)
    if status not in STATUSES:
        raise InvalidInput(f"unknown status {status!r}: choose open, in progress, done or verified")
    if due_date in (None, ""):
        due_date = None
    elif not isinstance(due_date, date):
        try:
            due_date = typed_date(due_date)
        except ValueError as exc:
            raise InvalidInput(f"the due date: {exc}") from exc
    evidence = (
        clean_text(evidence, "the evidence of impact") if evidence and evidence.strip() else None
    )
    return description, owner_agency_id, due_date, evidence


def _decision_cases(cur, decision_id: int) -> list[int]:
    rows = cur.execute(
        "SELECT dc.case_id FROM committee_decision_cases dc JOIN committee_decisions d"
        " ON d.decision_id = dc.decision_id WHERE dc.decision_id = ? AND d.withdrawn_at IS NULL",
        [decision_id],
    ).fetchall()
    if not rows:
        raise NotFound(f"no committee decision {decision_id} (or it was withdrawn)")
    return [r[0] for r in rows]


def _log_action(cur, action_id: int, change: str, by: str) -> None:
    cur.execute(
        "INSERT INTO committee_action_changes (action_id, change, status, due_date, evidence,"
        " changed_by) SELECT action_id, ?, status, due_date, evidence, ? FROM committee_actions"
        " WHERE action_id = ?",
        [change, by, action_id],
    )


def plan_action(
    store: Store,
    user: User,
    decision_id: int,
    description: str,
    owner_agency: str,
    due_date=None,
    status: str = "open",
    evidence: str | None = None,
    *,
    ip: str | None = None,
) -> int:
    """An organisational action the committee plans under one of its decisions."""
    require_committee(user)
    with store.transaction() as cur:
        case_ids = _decision_cases(cur, int(decision_id))
        description, agency_id, due_date, evidence = _check_action(
            cur, description, owner_agency, due_date, status, evidence
        )
        check_words(store, cur, case_ids, {"the action": description, "the evidence": evidence})
        action_id = cur.execute(
            "INSERT INTO committee_actions (decision_id, description, owner_agency_id, due_date,"
            " status, evidence, completed_on, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING action_id",
            [
                decision_id,
                description,
                agency_id,
                due_date,
                status,
                evidence,
                date.today() if status in ("done", "verified") else None,
                user.username,
            ],
        ).fetchone()[0]
        _log_action(cur, action_id, "planned", user.username)
        audit.record(
            cur,
            user,
            audit.CHANGE,
            detail=f"committee action {action_id} planned under decision {decision_id}",
            ip=ip,
        )
    return action_id


def update_action(
    store: Store,
    user: User,
    action_id: int,
    status: str,
    due_date=None,
    evidence: str | None = None,
    *,
    ip: str | None = None,
) -> None:
    """Change an organisational action's status, due date or evidence (history kept)."""
    require_committee(user)
    with store.transaction() as cur:
        row = cur.execute(
            "SELECT ca.decision_id, a.name, ca.description, ca.completed_on FROM committee_actions"
            " ca JOIN agencies a ON a.agency_id = ca.owner_agency_id WHERE ca.action_id = ?",
            [action_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"no committee action {action_id}")
        decision_id, agency, description, completed_on = row
        _d, _a, due_date, evidence = _check_action(
            cur, description, agency, due_date, status, evidence
        )
        check_words(store, cur, _decision_cases(cur, decision_id), {"the evidence": evidence})
        finished = status in ("done", "verified")
        cur.execute(
            "UPDATE committee_actions SET status = ?, due_date = ?, evidence = ?,"
            " completed_on = ?, updated_by = ?, updated_at = current_timestamp"
            " WHERE action_id = ?",
            [
                status,
                due_date,
                evidence,
                (completed_on or date.today()) if finished else None,
                user.username,
                action_id,
            ],
        )
        _log_action(cur, action_id, "updated", user.username)
        audit.record(cur, user, audit.CHANGE, detail=f"committee action {action_id} updated", ip=ip)


def _keys(store: Store, table: str, key: str) -> dict[int, tuple[str, ...]]:
    """{decision or delivery id: the keys of the cases it covers}."""
    out: dict[int, list[str]] = {}
    for key_id, case_key in store.query(
        f"SELECT x.{key}, k.case_key FROM {table} x JOIN crc_case_keys k ON k.case_id = x.case_id"
        " ORDER BY k.case_key"
    ):
        out.setdefault(key_id, []).append(case_key)
    return {k: tuple(v) for k, v in out.items()}


def _changes(store: Store, kind: str) -> dict[int, tuple[RecordChange, ...]]:
    out: dict[int, list[RecordChange]] = {}
    for record_id, *rest in store.query(
        f"SELECT {kind}_id, change, before, after, reason, changed_by, changed_at"
        f" FROM committee_record_changes WHERE {kind}_id IS NOT NULL ORDER BY change_id"
    ):
        change, before, after, *who = rest
        out.setdefault(record_id, []).append(
            RecordChange(change, json.loads(before), after and json.loads(after), *who)
        )
    return {k: tuple(v) for k, v in out.items()}


def list_decisions(
    store: Store, user: User, subject: Subject | None = None, *, withdrawn: bool = False
) -> list[Decision]:
    """The committee's decisions, newest first, with their actions and corrections; only those
    about the subject (a case key: its own decisions and those on themes covering it) when
    given. Withdrawn ones only when asked for (`withdrawn=True`: those alone)."""
    require_committee(user)
    changes = _changes(store, "decision")
    keys = _keys(store, "committee_decision_cases", "decision_id")
    actions: dict[int, list[CommitteeAction]] = {}
    for row in store.query(
        "SELECT ca.action_id, ca.decision_id, ca.description, a.name, ca.due_date, ca.status,"
        " ca.evidence, ca.completed_on FROM committee_actions ca"
        " JOIN agencies a ON a.agency_id = ca.owner_agency_id ORDER BY ca.action_id"
    ):
        actions.setdefault(row[1], []).append(CommitteeAction(*row))
    decisions = [
        Decision(
            d[0],
            d[1],
            keys.get(d[0], ()),
            *d[2:7],
            actions=tuple(actions.get(d[0], ())),
            changes=changes.get(d[0], ()),
            withdrawn_at=d[7],
            withdrawn_by=d[8],
        )
        for d in store.query(
            "SELECT decision_id, theme, considered, decision, decided_on, recorded_by,"
            " recorded_at, withdrawn_at, withdrawn_by FROM committee_decisions"
            f" WHERE withdrawn_at IS {'NOT ' if withdrawn else ''}NULL"
            " ORDER BY decided_on DESC, decision_id DESC"
        )
    ]
    return [d for d in decisions if subject is None or subject.matches(d.theme, d.case_keys)]


# --- briefings delivered (stage 7) ------------------------------------------------------------


def _check_delivery(kind, delivered_on, audience, agencies, attended, today):
    if kind not in KINDS:
        raise InvalidInput(f"unknown kind {kind!r}: choose a briefing or a workshop")
    delivered_on = _check_day(delivered_on, f"the {KINDS[kind].lower()} was delivered", today)
    audience = clean_text(audience, "who it was for", MAX_AUDIENCE)
    try:
        attended = int(attended)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"how many attended ({attended!r}) is not a whole number") from exc
    if not 0 < attended <= MAX_ATTENDED:
        raise InvalidInput(f"how many attended must be 1 to {MAX_ATTENDED:,}, not {attended}")
    agencies = sorted({a for a in agencies or () if a})
    if not agencies:
        raise InvalidInput("choose the agencies whose practitioners took part")
    return kind, delivered_on, audience, agencies, attended


def _agency_names(cur, agencies: Sequence[str]) -> list[str]:
    """The agencies as they are kept (capitals and spacing aside: "police " is Police), each
    once; an unknown one (a blank one too) refused."""
    names = set()
    for agency in agencies:
        found = find_agency(cur, agency)
        if found is None:
            raise InvalidInput(f"unknown agency {agency!r}")
        names.add(found[1])
    return sorted(names)


def record_delivery(
    store: Store,
    user: User,
    subject: Subject,
    kind: str,
    delivered_on,
    audience: str,
    agencies: Sequence[str],
    attended,
    *,
    today: date | None = None,
    ip: str | None = None,
) -> int:
    """A briefing or workshop delivered to frontline practitioners from a case's (or a theme's)
    learning. Records stage 7 for every case it covers (unless already recorded)."""
    require_committee(user)
    kind, delivered_on, audience, agencies, attended = _check_delivery(
        kind, delivered_on, audience, agencies, attended, today
    )
    with store.transaction() as cur:
        agencies = _agency_names(cur, agencies)
        covered = _covered(cur, subject)
        case_ids = [case_id for case_id, _ in covered]
        check_words(store, cur, case_ids, {"who it was for": audience})
        _check_after_earlier_stages(
            cur, covered, "frontline_informed", delivered_on, f"the {KINDS[kind].lower()}"
        )
        delivery_id = cur.execute(
            "INSERT INTO briefing_deliveries (theme, kind, delivered_on, audience, agencies,"
            " attended, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING delivery_id",
            [subject.theme, kind, delivered_on, audience, json.dumps(agencies), attended,
             user.username],
        ).fetchone()[0]  # fmt: skip
        _link(cur, "briefing_delivery_cases", "delivery_id", delivery_id, case_ids)
        for case_id in case_ids:
            complete_stage(
                cur,
                case_id,
                "frontline_informed",
                delivered_on,
                user.username,
                f"{KINDS[kind]} on {subject.describe()} delivered to {audience}"
                f" ({', '.join(agencies)}; {attended} attended)",
                completed_by="delivery",
            )
        audit.record(
            cur,
            user,
            audit.CHANGE,
            detail=f"{kind} {delivery_id} on {subject.describe()} recorded as delivered",
            ip=ip,
        )
    return delivery_id


def list_deliveries(
    store: Store, user: User, subject: Subject | None = None, *, withdrawn: bool = False
) -> list[Delivery]:
    """Briefings and workshops delivered, newest first (about the subject when given); the
    withdrawn ones instead when asked for."""
    require_committee(user)
    keys = _keys(store, "briefing_delivery_cases", "delivery_id")
    changes = _changes(store, "delivery")
    deliveries = [
        Delivery(
            r[0],
            r[1],
            keys.get(r[0], ()),
            r[2],
            r[3],
            r[4],
            tuple(json.loads(r[5])),
            r[6],
            r[7],
            changes=changes.get(r[0], ()),
            withdrawn_at=r[8],
            withdrawn_by=r[9],
        )
        for r in store.query(
            "SELECT delivery_id, theme, kind, delivered_on, audience, agencies, attended,"
            " recorded_by, withdrawn_at, withdrawn_by FROM briefing_deliveries"
            f" WHERE withdrawn_at IS {'NOT ' if withdrawn else ''}NULL"
            " ORDER BY delivered_on DESC, delivery_id DESC"
        )
    ]
    return [d for d in deliveries if subject is None or subject.matches(d.theme, d.case_keys)]


# --- corrections and withdrawals (both stages) -----------------------------------------------

# What completes each stage: the table, its key and date, and the table of the cases it covers.
_STAGE_OF = {
    "decision": ("committee_decisions", "decision_id", "decided_on",
                 "committee_decision_cases", "crc_considered"),
    "delivery": ("briefing_deliveries", "delivery_id", "delivered_on",
                 "briefing_delivery_cases", "frontline_informed"),
}  # fmt: skip
_WORDS = {
    "decision": ("considered", "decision"),
    "delivery": ("kind", "audience", "agencies", "attended"),
}


def _open_record(cur, kind: str, record_id) -> tuple[dict, list[int]]:
    """The live decision or delivery (its words and date) and the cases it covers."""
    table, key, on, cases, _stage = _STAGE_OF[kind]
    columns = [on, *_WORDS[kind]]
    row = cur.execute(
        f"SELECT {', '.join(columns)} FROM {table} WHERE {key} = ? AND withdrawn_at IS NULL",
        [int(record_id)],
    ).fetchone()
    if row is None:
        what = "committee decision" if kind == "decision" else "briefing or workshop"
        raise NotFound(f"no {what} {record_id} (or it was withdrawn)")
    record = dict(zip(columns, row, strict=True))
    record[on] = record[on].isoformat()
    if kind == "delivery":
        record["agencies"] = json.loads(record["agencies"])
    case_ids = [
        r[0]
        for r in cur.execute(
            f"SELECT case_id FROM {cases} WHERE {key} = ?", [int(record_id)]
        ).fetchall()
    ]
    return record, case_ids


def _follow(cur, kind: str, case_ids, by: str, reason: str) -> None:
    """Each covered case's stage on the earliest live decision (or delivery) covering it; the
    stage withdrawn when none is left."""
    table, key, on, cases, stage_key = _STAGE_OF[kind]
    for case_id in case_ids:
        (earliest,) = cur.execute(
            f"SELECT min(t.{on}) FROM {table} t JOIN {cases} c ON c.{key} = t.{key}"
            " WHERE c.case_id = ? AND t.withdrawn_at IS NULL",
            [case_id],
        ).fetchone()
        follow_stage(cur, case_id, stage_key, kind, earliest, by, reason)


def _log_record_change(cur, kind, record_id, change, before, after, reason, by) -> None:
    cur.execute(
        f"INSERT INTO committee_record_changes ({kind}_id, change, before, after, reason,"
        " changed_by) VALUES (?, ?, ?, ?, ?, ?)",
        [int(record_id), change, json.dumps(before),
         None if after is None else json.dumps(after), reason, by],
    )  # fmt: skip


def _reason(reason: str | None, what: str) -> str:
    return clean_text(reason, f"the reason for {what}", MAX_AUDIENCE * 10)


def withdraw_record(
    store: Store, user: User, kind: str, record_id, reason: str, *, ip: str | None = None
) -> None:
    """Withdraw a decision (with its actions) or a delivery recorded by mistake, with a reason:
    it stays in the history but leaves every list and view, and each covered case's stage
    follows (moved to another decision's date, or withdrawn when none is left; refused while a
    later stage stands)."""
    require_committee(user)
    table, key, *_ = _STAGE_OF[kind]
    reason = _reason(reason, "withdrawing it")
    with store.transaction() as cur:
        before, case_ids = _open_record(cur, kind, record_id)
        check_words(store, cur, case_ids, {"the reason": reason})
        cur.execute(
            f"UPDATE {table} SET withdrawn_at = current_timestamp, withdrawn_by = ?"
            f" WHERE {key} = ?",
            [user.username, int(record_id)],
        )
        _log_record_change(cur, kind, record_id, "withdrawn", before, None, reason, user.username)
        _follow(cur, kind, case_ids, user.username, f"{kind} {record_id} withdrawn: {reason}")
        audit.record(cur, user, audit.CHANGE, detail=f"{kind} {record_id} withdrawn", ip=ip)


def correct_decision(
    store: Store,
    user: User,
    decision_id,
    considered: str,
    decision: str,
    decided_on,
    reason: str,
    *,
    today: date | None = None,
    ip: str | None = None,
) -> None:
    """Correct a decision's words or date, with a reason (what it said before is kept); the
    covered cases' stage 6 follows its date."""
    require_committee(user)
    considered = clean_text(considered, "what the committee considered")
    decision = clean_text(decision, "the committee's decision")
    decided_on = _check_day(decided_on, "of the committee's decision", today)
    reason = _reason(reason, "the correction")
    after = {"decided_on": decided_on.isoformat(), "considered": considered, "decision": decision}
    with store.transaction() as cur:
        before, case_ids = _open_record(cur, "decision", decision_id)
        check_words(
            store,
            cur,
            case_ids,
            {"what was considered": considered, "the decision": decision, "the reason": reason},
        )
        cur.execute(
            "UPDATE committee_decisions SET considered = ?, decision = ?, decided_on = ?"
            " WHERE decision_id = ?",
            [considered, decision, decided_on, int(decision_id)],
        )
        _log_correction(cur, user, "decision", decision_id, before, after, reason, case_ids, ip)


def correct_delivery(
    store: Store,
    user: User,
    delivery_id,
    kind: str,
    delivered_on,
    audience: str,
    agencies: Sequence[str],
    attended,
    reason: str,
    *,
    today: date | None = None,
    ip: str | None = None,
) -> None:
    """Correct a delivery's details or date, with a reason; the covered cases' stage 7
    follows its date."""
    require_committee(user)
    kind, delivered_on, audience, agencies, attended = _check_delivery(
        kind, delivered_on, audience, agencies, attended, today
    )
    reason = _reason(reason, "the correction")
    with store.transaction() as cur:
        agencies = _agency_names(cur, agencies)
        after = {"delivered_on": delivered_on.isoformat(), "kind": kind, "audience": audience,
                 "agencies": agencies, "attended": attended}  # fmt: skip
        before, case_ids = _open_record(cur, "delivery", delivery_id)
        check_words(store, cur, case_ids, {"who it was for": audience, "the reason": reason})
        cur.execute(
            "UPDATE briefing_deliveries SET kind = ?, delivered_on = ?, audience = ?,"
            " agencies = ?, attended = ? WHERE delivery_id = ?",
            [kind, delivered_on, audience, json.dumps(agencies), attended, int(delivery_id)],
        )
        _log_correction(cur, user, "delivery", delivery_id, before, after, reason, case_ids, ip)


def _log_correction(cur, user, kind, record_id, before, after, reason, case_ids, ip) -> None:
    if before == after:
        raise InvalidInput("nothing was changed: change the words or the date to correct it")
    _log_record_change(cur, kind, record_id, "corrected", before, after, reason, user.username)
    _follow(cur, kind, case_ids, user.username, f"{kind} {record_id} corrected: {reason}")
    audit.record(cur, user, audit.CHANGE, detail=f"{kind} {record_id} corrected", ip=ip)


def committee_themes(store: Store, user: User) -> list[str]:
    """Themes of the signed-off learning shared with the committee (what a theme can be)."""
    require_committee(user)
    return [
        r[0] for r in store.query("SELECT DISTINCT theme FROM crc_learning_themes ORDER BY theme")
    ]


DECISION_COLUMNS = (
    "decision",
    "decided_on",
    "on",
    "considered",
    "decided",
    "action",
    "owner_agency",
    "what_will_change",
    "due_date",
    "status",
    "overdue",
    "evidence_of_impact",
)


def decision_rows(decisions: Sequence[Decision], today: date | None = None) -> list[list]:
    """Pure: one row per organisational action (a decision without actions gets one row with
    the action's cells empty), for `rpm-timeline crc decisions` (DECISION_COLUMNS)."""
    today = today or date.today()
    rows = []
    for d in decisions:
        on = f"theme {d.theme}" if d.theme else f"case {', '.join(d.case_keys)}"
        head = [d.decision_id, d.decided_on.isoformat(), on, d.considered, d.decision]
        for a in d.actions or (None,):
            if a is None:
                rows.append([*head, *[""] * 7])
                continue
            late = a.status in ("open", "in_progress") and a.due_date and a.due_date < today
            rows.append(
                [
                    *head,
                    a.action_id,
                    a.owner_agency,
                    a.description,
                    a.due_date.isoformat() if a.due_date else "",
                    a.status_name,
                    "yes" if late else "no",
                    a.evidence or "",
                ]
            )
    return rows
