"""How an action's due date reads wherever actions are listed: past due and not done is overdue."""

from __future__ import annotations

from datetime import date

FINISHED = {"done", "verified"}


def overdue_days(due: date | str | None, status: str, today: date | None = None) -> int:
    """Pure: days past its due date for an action not yet done (0 when not overdue). `status`
    is the stored key (`in_progress`) or its label (`In progress`)."""
    if not due or status.strip().lower().replace(" ", "_") in FINISHED:
        return 0
    if isinstance(due, str):
        due = date.fromisoformat(due[:10])
    return max(0, ((today or date.today()) - due).days)


def due_words(due: date | str | None, status: str, today: date | None = None) -> str:
    """Pure: 'due 3 Mar 2025', or 'overdue by 12 days (due 3 Mar 2025)'."""
    if not due:
        return "no due date"
    on = date.fromisoformat(due[:10]) if isinstance(due, str) else due
    late = overdue_days(on, status, today)
    when = f"{on.day} {on:%b %Y}"
    if late:
        return f"overdue by {late} day{'s' * (late != 1)} (due {when})"
    return f"due {when}"
