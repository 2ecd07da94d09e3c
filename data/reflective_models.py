"""The reflective models (Gibbs by default; models are data in `reflective_models` /
`reflective_stages`), the guidance's seven questions (`rpm_questions`) and the model each case
uses."""

from __future__ import annotations

from dataclasses import dataclass

from data import request_memo
from data.access import require_case
from data.actor import User
from data.cases import Case
from data.errors import Forbidden, InvalidInput
from data.permissions import runs_meetings
from data.revisions import record_change
from data.store import Store


@dataclass(frozen=True)
class Stage:
    model_key: str
    stage_key: str
    position: int
    name: str
    prompt: str


@dataclass(frozen=True)
class Question:
    question_key: str
    position: int
    text: str


def list_models(store: Store) -> list[tuple[str, str]]:
    """(model_key, name) of every reflective model, in order."""
    return store.query("SELECT model_key, name FROM reflective_models ORDER BY position")


@request_memo.per_request
def model_stages(store: Store, model_key: str) -> list[Stage]:
    rows = store.query(
        "SELECT model_key, stage_key, position, name, prompt FROM reflective_stages"
        " WHERE model_key = ? ORDER BY position",
        [model_key],
    )
    return [Stage(*row) for row in rows]


@request_memo.per_request
def case_model(store: Store, case: Case) -> str:
    """The reflective model the case uses (chosen at setup, Gibbs by default)."""
    row = store.query_one("SELECT reflective_model FROM cases WHERE case_id = ?", [case.case_id])
    return row[0] if row else "gibbs"


def set_case_model(store: Store, user: User, case_ref: str, model_key: str) -> None:
    """Choose the case's reflective model (admin or chair), before anyone has reflected."""
    case = require_case(store, user, case_ref)
    if not runs_meetings(user):
        raise Forbidden("only an administrator or the chair can choose the reflective model")
    if not store.query_one("SELECT 1 FROM reflective_models WHERE model_key = ?", [model_key]):
        raise InvalidInput(f"unknown reflective model {model_key!r}")
    with store.transaction() as cur:
        if cur.execute(
            "SELECT 1 FROM reflections WHERE case_id = ? AND withdrawn_at IS NULL LIMIT 1",
            [case.case_id],
        ).fetchone():
            raise InvalidInput(
                f"case {case.case_ref} already has reflections: its reflective model is chosen"
                " at setup and cannot change now"
            )
        cur.execute(
            "UPDATE cases SET reflective_model = ? WHERE case_id = ?", [model_key, case.case_id]
        )
        record_change(cur, case.case_id, user.username, f"reflective model set to {model_key}")


def list_questions(store: Store) -> list[Question]:
    rows = store.query("SELECT question_key, position, text FROM rpm_questions ORDER BY position")
    return [Question(*row) for row in rows]
