"""The flowchart (Appendix 1): the stages every case goes through, and what is overdue.

Stages are reached in order, each with the date it was done, who did it and a note. The next
stage of a case is due `expected_days` after the stage before it; past that it is overdue.
Expected durations are data (`workflow_stages.expected_days`) that an administrator can change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from data.access import require_case, visible_case_filter
from data.errors import Forbidden, InvalidInput
from data.store import Store
from data.users import User

MAX_NOTE = 2000
MAX_EXPECTED_DAYS = 3650


@dataclass(frozen=True)
class Stage:
    stage_key: str
    position: int
    name: str
    expected_days: int | None


@dataclass(frozen=True)
class StageDone:
    stage_key: str
    done_on: date
    done_by: str
    note: str | None


@dataclass(frozen=True)
class WorkflowStatus:
    """Where a case is in the flowchart on a given day."""

    current: Stage | None  # the last stage reached (None before the first)
    current_on: date | None
    next: Stage | None  # None once every stage is done
    due_on: date | None  # when the next stage is expected (None when no duration is set)
    days_overdue: int  # 0 when not overdue

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    def describe(self) -> str:
        """One line for the case list: the stage reached and what is overdue or due."""
        if self.current is None:
            return "not started"
        if self.next is None:
            return "complete"
        if self.overdue:
            return f"{self.next.name}: overdue by {self.days_overdue} days (due {self.due_on:%d %b %Y})"
        if self.due_on:
            return f"{self.next.name}: due {self.due_on:%d %b %Y}"
        return f"next: {self.next.name}"


def list_stages(store: Store) -> list[Stage]:
    rows = store.query(
        "SELECT stage_key, position, name, expected_days FROM workflow_stages ORDER BY position"
    )
    return [Stage(*row) for row in rows]


def workflow_status(
    stages: Sequence[Stage], done: Sequence[StageDone], today: date
) -> WorkflowStatus:
    """Pure: the stage a case has reached, the next one, when it is due and how late it is."""
    by_key = {d.stage_key: d for d in done}
    ordered = sorted(stages, key=lambda s: s.position)
    current, current_on, nxt = None, None, None
    for stage in ordered:
        if stage.stage_key in by_key:
            current, current_on = stage, by_key[stage.stage_key].done_on
        else:
            nxt = stage
            break
    if current is None:
        return WorkflowStatus(None, None, nxt, None, 0)
    if nxt is None or nxt.expected_days is None:
        return WorkflowStatus(current, current_on, nxt, None, 0)
    due = current_on + timedelta(days=nxt.expected_days)
    return WorkflowStatus(current, current_on, nxt, due, max(0, (today - due).days))


def case_stages_done(store: Store, user: User, case_ref: str) -> list[StageDone]:
    case = require_case(store, user, case_ref)
    return _stages_done(store, case.case_id)


def _stages_done(store: Store, case_id: int) -> list[StageDone]:
    rows = store.query(
        """
        SELECT w.stage_key, w.done_on, w.done_by, w.note
        FROM case_workflow w JOIN workflow_stages s ON s.stage_key = w.stage_key
        WHERE w.case_id = ? ORDER BY s.position
        """,
        [case_id],
    )
    return [StageDone(*row) for row in rows]


def case_workflow_status(
    store: Store, user: User, case_ref: str, today: date | None = None
) -> WorkflowStatus:
    return workflow_status(
        list_stages(store), case_stages_done(store, user, case_ref), today or date.today()
    )


def statuses_for_user(store: Store, user: User, today: date | None = None) -> dict:
    """{case_ref: WorkflowStatus} for every case this user may open (for the case list)."""
    condition, params = visible_case_filter(user)
    rows = store.query(
        f"""
        SELECT c.case_ref, w.stage_key, w.done_on, w.done_by, w.note
        FROM cases c JOIN case_workflow w ON w.case_id = c.case_id
        WHERE {condition}
        """,
        params,
    )
    stages = list_stages(store)
    done: dict[str, list[StageDone]] = {}
    for case_ref, *rest in rows:
        done.setdefault(case_ref, []).append(StageDone(*rest))
    today = today or date.today()
    return {ref: workflow_status(stages, d, today) for ref, d in done.items()}


def can_run_case(user: User) -> bool:
    """Admins and chairs run a case through the flowchart (chairs only on their own cases)."""
    return user.role in ("admin", "chair")


def record_stage(
    store: Store,
    user: User,
    case_ref: str,
    stage_key: str,
    done_on: date,
    note: str | None = None,
    *,
    today: date | None = None,
) -> StageDone:
    """Record that the case reached a stage. Stages go in order; dates never go backwards."""
    case = require_case(store, user, case_ref)
    if not can_run_case(user):
        raise Forbidden("only an administrator or the case's chair can record workflow stages")
    stages = list_stages(store)
    stage = next((s for s in stages if s.stage_key == stage_key), None)
    if stage is None:
        raise InvalidInput(
            f"unknown workflow stage {stage_key!r}: choose one of "
            + ", ".join(s.stage_key for s in stages)
        )
    if done_on is None:
        raise InvalidInput(f"the date '{stage.name}' was done is missing")
    today = today or date.today()
    if done_on > today:
        raise InvalidInput(f"the date for '{stage.name}' ({done_on}) is in the future")
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise InvalidInput(f"the note is {len(note)} characters; the maximum is {MAX_NOTE}")
    with store.transaction() as cur:
        done = {
            key: on
            for key, on in cur.execute(
                "SELECT stage_key, done_on FROM case_workflow WHERE case_id = ?", [case.case_id]
            ).fetchall()
        }
        if stage_key in done:
            raise InvalidInput(f"'{stage.name}' was already recorded on {done[stage_key]:%d %b %Y}")
        earlier = [s for s in stages if s.position < stage.position]
        missing = [s for s in earlier if s.stage_key not in done]
        if missing:
            raise InvalidInput(f"'{stage.name}' cannot be recorded before '{missing[0].name}'")
        if earlier and done_on < done[earlier[-1].stage_key]:
            raise InvalidInput(
                f"'{stage.name}' cannot be dated {done_on:%d %b %Y}, before "
                f"'{earlier[-1].name}' ({done[earlier[-1].stage_key]:%d %b %Y})"
            )
        cur.execute(
            "INSERT INTO case_workflow (case_id, stage_key, done_on, done_by, note)"
            " VALUES (?, ?, ?, ?, ?)",
            [case.case_id, stage_key, done_on, user.username, note],
        )
    return StageDone(stage_key, done_on, user.username, note)


def set_expected_days(store: Store, user: User, values: dict[str, int | None]) -> None:
    """Administrators set how many days each stage is expected to take after the one before."""
    if user.role != "admin":
        raise Forbidden("only an administrator can change the expected durations")
    known = {s.stage_key: s for s in list_stages(store)}
    for key, days in values.items():
        if key not in known:
            raise InvalidInput(f"unknown workflow stage {key!r}")
        if days is not None and not (0 < int(days) <= MAX_EXPECTED_DAYS):
            raise InvalidInput(
                f"expected days for '{known[key].name}' must be 1-{MAX_EXPECTED_DAYS} or empty"
            )
    with store.transaction() as cur:
        for key, days in values.items():
            cur.execute(
                "UPDATE workflow_stages SET expected_days = ? WHERE stage_key = ?",
                [None if days is None else int(days), key],
            )
