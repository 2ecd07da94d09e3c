"""The flowchart (Appendix 1): the stages every case goes through, and what is overdue.

Stages are reached in order, each with the date it was done, who did it and a note. The next
stage of a case is due `expected_days` after the stage before it; past that it is overdue.
Expected durations are data (`workflow_stages.expected_days`) that an administrator can change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from data.access import require_case
from data.actor import User
from data.errors import Forbidden, InvalidInput
from data.permissions import is_administrator, runs_meetings, visible_case_filter
from data.store import Store
from data.text_fields import optional_text

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
    # What recorded it when an action did: 'decision', 'delivery' (data.committee), 'email' or
    # 'outbox' (data.messages: accepted by the mail server, or written to the outbox folder).
    completed_by: str | None = None


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


def list_stages(store_or_cur) -> list[Stage]:
    """The stages in order, read through the store or a cursor inside a transaction."""
    sql = "SELECT stage_key, position, name, expected_days FROM workflow_stages ORDER BY position"
    if isinstance(store_or_cur, Store):
        rows = store_or_cur.query(sql)
    else:
        rows = store_or_cur.execute(sql).fetchall()
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
        SELECT w.stage_key, w.done_on, w.done_by, w.note, w.completed_by
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


@dataclass(frozen=True)
class StageChange:
    """One entry of a case's stage history: recorded, corrected, withdrawn, or the meeting
    date corrected (kept whole, so that a stage recorded by mistake stays answerable for)."""

    stage_key: str
    change: str
    done_on: date | None
    before_on: date | None
    note: str | None
    reason: str | None
    changed_by: str
    changed_at: datetime


CHANGE_WORDS = {
    "recorded": "Recorded",
    "corrected": "Corrected",
    "withdrawn": "Withdrawn",
    "meeting_date_corrected": "Meeting date corrected",
}


def _stage(stages: Sequence[Stage], stage_key: str) -> Stage:
    stage = next((s for s in stages if s.stage_key == stage_key), None)
    if stage is None:
        raise InvalidInput(
            f"unknown workflow stage {stage_key!r}: choose one of "
            + ", ".join(s.stage_key for s in stages)
        )
    return stage


def _open_stage(store: Store, user: User, case_ref: str, stage_key: str, verb: str):
    """The case, the stages and the one named, for someone allowed to `verb` stages."""
    case = require_case(store, user, case_ref)
    if not runs_meetings(user):
        raise Forbidden(f"only an administrator or the case's chair can {verb} workflow stages")
    stages = list_stages(store)
    return case, stages, _stage(stages, stage_key)


def _check_date(stage: Stage, done_on: date | None, today: date) -> None:
    if done_on is None:
        raise InvalidInput(f"the date '{stage.name}' was done is missing")
    if done_on > today:
        raise InvalidInput(f"the date for '{stage.name}' ({done_on}) is in the future")


def check_order(
    stages: Sequence[Stage], done: dict[str, date], stage: Stage, done_on: date
) -> None:
    """Pure: refuse a date for `stage` that breaks the flowchart's order: every earlier stage
    recorded, not before the last of them, not after a later stage already recorded."""
    earlier = [s for s in stages if s.position < stage.position]
    missing = [s for s in earlier if s.stage_key not in done]
    if missing:
        raise InvalidInput(f"'{stage.name}' cannot be recorded before '{missing[0].name}'")
    if earlier and done_on < done[earlier[-1].stage_key]:
        raise InvalidInput(
            f"'{stage.name}' cannot be dated {done_on:%d %b %Y}, before "
            f"'{earlier[-1].name}' ({done[earlier[-1].stage_key]:%d %b %Y})"
        )
    later = [s for s in stages if s.position > stage.position and s.stage_key in done]
    if later and done_on > done[later[0].stage_key]:
        raise InvalidInput(
            f"'{stage.name}' cannot be dated {done_on:%d %b %Y}, after "
            f"'{later[0].name}' ({done[later[0].stage_key]:%d %b %Y})"
        )


def _done_dates(cur, case_id: int) -> dict[str, date]:
    return dict(
        cur.execute(
            "SELECT stage_key, done_on FROM case_workflow WHERE case_id = ?", [case_id]
        ).fetchall()
    )


def _log_change(cur, case_id, stage_key, change, done_on, before_on, note, reason, by) -> None:
    cur.execute(
        "INSERT INTO case_workflow_changes (case_id, stage_key, change, done_on, before_on,"
        " note, reason, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [case_id, stage_key, change, done_on, before_on, note, reason, by],
    )


def _insert(
    cur,
    case_id: int,
    stage_key: str,
    done_on: date,
    by: str,
    note: str | None,
    completed_by: str | None = None,
) -> None:
    cur.execute(
        "INSERT INTO case_workflow (case_id, stage_key, done_on, done_by, note, completed_by)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [case_id, stage_key, done_on, by, note, completed_by],
    )
    _log_change(cur, case_id, stage_key, "recorded", done_on, None, note, None, by)


def _meeting_held_date(cur, case_id: int, done_on: date, reason: str | None, by: str) -> None:
    """'Meeting held' is never dated before the scheduled meeting, unless the meeting date is
    corrected to it, with a reason (kept in the stage history)."""
    row = cur.execute(
        "SELECT meeting_id, meeting_date FROM meetings WHERE case_id = ?"
        " ORDER BY meeting_id DESC LIMIT 1",
        [case_id],
    ).fetchone()
    if row is None or row[1] is None or done_on >= row[1]:
        return
    reason = optional_text(reason, "the reason for correcting the meeting date", MAX_NOTE)
    if not reason:
        raise InvalidInput(
            f"the meeting was scheduled for {row[1]:%d %b %Y}: it cannot be recorded as held on"
            f" {done_on:%d %b %Y}, before that. If it really took place earlier, correct the"
            " meeting date with a reason"
        )
    cur.execute("UPDATE meetings SET meeting_date = ? WHERE meeting_id = ?", [done_on, row[0]])
    _log_change(
        cur, case_id, "meeting_held", "meeting_date_corrected", done_on, row[1], None, reason, by
    )


def record_stage(
    store: Store,
    user: User,
    case_ref: str,
    stage_key: str,
    done_on: date,
    note: str | None = None,
    *,
    today: date | None = None,
    meeting_date_reason: str | None = None,
) -> StageDone:
    """Record that the case reached a stage. Stages go in order; dates never go backwards;
    'meeting held' is not dated before the scheduled meeting (see `_meeting_held_date`)."""
    case, stages, stage = _open_stage(store, user, case_ref, stage_key, "record")
    _check_date(stage, done_on, today or date.today())
    note = optional_text(note, "the note", MAX_NOTE)
    with store.transaction() as cur:
        done = _done_dates(cur, case.case_id)
        if stage_key in done:
            raise InvalidInput(f"'{stage.name}' was already recorded on {done[stage_key]:%d %b %Y}")
        check_order(stages, done, stage, done_on)
        if stage_key == "meeting_held":
            _meeting_held_date(cur, case.case_id, done_on, meeting_date_reason, user.username)
        _insert(cur, case.case_id, stage_key, done_on, user.username, note)
    return StageDone(stage_key, done_on, user.username, note)


def complete_stage(
    cur,
    case_id: int,
    stage_key: str,
    done_on: date,
    by: str,
    note: str,
    completed_by: str | None = None,
) -> None:
    """Inside the transaction of the action that completes a stage (sign-off, sending, the
    committee's decision, a briefing delivered): record it, unless it already is. Earlier
    stages not recorded yet are recorded on the same day as implied by it, saying so.
    `completed_by` ("decision" or "delivery") marks a stage that corrections and withdrawals
    of such records follow (`follow_stage`); "email" or "outbox" says how a message that
    completed it went (`data.messages`)."""
    stages = list_stages(cur)
    done = _done_dates(cur, case_id)
    if stage_key in done:
        return
    target = _stage(stages, stage_key)
    for stage in stages:
        if stage.position > target.position:
            break
        if stage.stage_key in done:
            continue
        on = max([done_on, *done.values()])
        implied = stage.stage_key != stage_key
        _insert(
            cur,
            case_id,
            stage.stage_key,
            on,
            by,
            f"Not recorded separately; implied by: {note}" if implied else note,
            None if implied else completed_by,
        )
        done[stage.stage_key] = on


def _delete_stage(cur, stages, done: dict, stage: Stage, case_id: int, first: str) -> None:
    """Take a recorded stage off the case, refused while a later stage is recorded."""
    later = [s for s in stages if s.position > stage.position and s.stage_key in done]
    if later:
        raise InvalidInput(
            f"'{stage.name}' cannot be withdrawn while '{later[-1].name}' is recorded: {first} first"
        )
    cur.execute(
        "DELETE FROM case_workflow WHERE case_id = ? AND stage_key = ?", [case_id, stage.stage_key]
    )


def follow_stage(
    cur,
    case_id: int,
    stage_key: str,
    completed_by: str,
    done_on: date | None,
    by: str,
    reason: str,
) -> None:
    """Inside the transaction of a correction or withdrawal of what completed a stage (a
    committee decision, a briefing delivered: `completed_by`): move the stage to `done_on`, or
    withdraw it when None, with the reason in the stage history. A stage recorded otherwise (by
    hand, before any decision) is left as it is. Refused when that breaks the flowchart's order
    (a later stage still recorded, a date before an earlier stage)."""
    stages = list_stages(cur)
    stage = _stage(stages, stage_key)
    done = _done_dates(cur, case_id)
    if stage_key not in done or done[stage_key] == done_on:
        return
    (recorded_by,) = cur.execute(
        "SELECT completed_by FROM case_workflow WHERE case_id = ? AND stage_key = ?",
        [case_id, stage_key],
    ).fetchone()
    if recorded_by != completed_by:
        return
    before = done.pop(stage_key)
    if done_on is None:
        _delete_stage(cur, stages, done, stage, case_id, "withdraw what recorded the later stage")
        _log_change(cur, case_id, stage_key, "withdrawn", None, before, None, reason, by)
        return
    check_order(stages, done, stage, done_on)
    cur.execute(
        "UPDATE case_workflow SET done_on = ?, done_by = ?, recorded_at = current_timestamp"
        " WHERE case_id = ? AND stage_key = ?",
        [done_on, by, case_id, stage_key],
    )
    _log_change(cur, case_id, stage_key, "corrected", done_on, before, None, reason, by)


def correct_stage(
    store: Store,
    user: User,
    case_ref: str,
    stage_key: str,
    done_on: date,
    note: str | None,
    reason: str,
    *,
    today: date | None = None,
    meeting_date_reason: str | None = None,
) -> StageDone:
    """Change the date or note of a recorded stage, with a reason; the old values stay in the
    stage history."""
    case, stages, stage = _open_stage(store, user, case_ref, stage_key, "correct")
    _check_date(stage, done_on, today or date.today())
    note = optional_text(note, "the note", MAX_NOTE)
    reason = optional_text(reason, "the reason for the correction", MAX_NOTE)
    if not reason:
        raise InvalidInput(f"the reason for correcting '{stage.name}' is missing")
    with store.transaction() as cur:
        done = _done_dates(cur, case.case_id)
        if stage_key not in done:
            raise InvalidInput(f"'{stage.name}' is not recorded, so there is nothing to correct")
        before = done.pop(stage_key)
        check_order(stages, done, stage, done_on)
        if stage_key == "meeting_held":
            _meeting_held_date(cur, case.case_id, done_on, meeting_date_reason, user.username)
        cur.execute(
            "UPDATE case_workflow SET done_on = ?, note = ?, done_by = ?,"
            " recorded_at = current_timestamp WHERE case_id = ? AND stage_key = ?",
            [done_on, note, user.username, case.case_id, stage_key],
        )
        _log_change(
            cur, case.case_id, stage_key, "corrected", done_on, before, note, reason, user.username
        )
    return StageDone(stage_key, done_on, user.username, note)


def withdraw_stage(store: Store, user: User, case_ref: str, stage_key: str, reason: str) -> None:
    """Withdraw a stage recorded by mistake, with a reason (kept in the stage history). Only
    the last stage reached can be withdrawn, so the flowchart stays in order."""
    case, stages, stage = _open_stage(store, user, case_ref, stage_key, "withdraw")
    reason = optional_text(reason, "the reason for withdrawing it", MAX_NOTE)
    if not reason:
        raise InvalidInput(f"the reason for withdrawing '{stage.name}' is missing")
    with store.transaction() as cur:
        done = _done_dates(cur, case.case_id)
        if stage_key not in done:
            raise InvalidInput(f"'{stage.name}' is not recorded, so there is nothing to withdraw")
        _delete_stage(cur, stages, done, stage, case.case_id, "withdraw the later stages")
        _log_change(
            cur, case.case_id, stage_key, "withdrawn", None, done[stage_key], None, reason,
            user.username,
        )  # fmt: skip


def stage_history(store: Store, user: User, case_ref: str) -> list[StageChange]:
    """Every change to the case's recorded stages, oldest first."""
    case = require_case(store, user, case_ref)
    rows = store.query(
        "SELECT stage_key, change, done_on, before_on, note, reason, changed_by, changed_at"
        " FROM case_workflow_changes WHERE case_id = ? ORDER BY changed_at, change_id",
        [case.case_id],
    )
    return [StageChange(*row) for row in rows]


def set_expected_days(store: Store, user: User, values: dict[str, int | None]) -> None:
    """Administrators set how many days each stage is expected to take after the one before."""
    if not is_administrator(user):
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


def recomplete_stage(
    cur, case_id: int, stage_key: str, before: str, after: str, note: str, by: str, reason: str
) -> bool:
    """Inside the transaction of an action: a stage `before` recorded (messages sent, or written
    to the outbox folder) is now completed by `after` (those messages accepted by the mail
    server, or sent again): its note says so, its date stays, and the change is kept in the
    stage history with the reason. False (nothing done) when the stage is not recorded or was
    recorded otherwise."""
    row = cur.execute(
        "SELECT done_on, completed_by FROM case_workflow WHERE case_id = ? AND stage_key = ?",
        [case_id, stage_key],
    ).fetchone()
    if row is None or row[1] != before:
        return False
    cur.execute(
        "UPDATE case_workflow SET completed_by = ?, note = ? WHERE case_id = ? AND stage_key = ?",
        [after, note, case_id, stage_key],
    )
    _log_change(cur, case_id, stage_key, "corrected", row[0], row[0], note, reason, by)
    return True
