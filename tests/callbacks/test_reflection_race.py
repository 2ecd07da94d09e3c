"""The reflection form always names the selected point, whatever order the browser's answers
arrive in: the save-then-click race played deterministically, by calling the form's callbacks
with the states the browser would send at each step (no browser, no timing)."""

from __future__ import annotations

import pytest
from dash.exceptions import PreventUpdate

from app.timeline import ids, reflection, selection
from data import reflections as refl
from data import reflective_models as models
from data.access import require_case
from data.revisions import case_revision
from data.users import get_user
from tests.support.callbacks import as_user
from tests.support.rpm_case import CASE

POLLED = f"{ids.CASE_REVISION}.data"
SAVED = f"{ids.REFLECTIONS_SAVED}.data"
CLICKED = f"{ids.SELECTED_POINT}.data"


@pytest.fixture
def chair(rpm_app):
    app, store = rpm_app
    user = get_user(store, "pokafor")
    a, b = (
        row[0]
        for row in store.query(
            "SELECT e.event_id FROM events e JOIN cases c USING (case_id)"
            " WHERE c.case_ref = ? ORDER BY e.event_id LIMIT 2",
            [CASE],
        )
    )
    stage = models.model_stages(store, models.case_model(store, require_case(store, user, CASE)))[
        0
    ].stage_key
    return app, store, user, a, b, stage


def event(ident: int) -> dict:
    return {"kind": "event", "id": ident}


def form_after(app, user, trigger: str, point: dict, seen, shown: str):
    """The form's redraw as the browser asks for it: (title, data-point) drawn, or None when
    the server sends nothing (the browser keeps what it shows). A click asks for the details
    and the form together."""
    with as_user(app, user, triggered=trigger):
        try:
            if trigger == CLICKED:
                case_data = {"case_ref": CASE, "categories": []}
                drawn = selection.show_point(point, [], case_data, None)[1:]
            else:
                drawn = reflection.refresh(seen, 1, point, seen, shown, None, CASE)
        except PreventUpdate:
            return None
    return drawn[0], drawn[1]


def test_a_poll_leaves_the_form_alone_only_when_it_already_shows_the_selected_point(chair):
    app, store, user, a, b, _ = chair
    seen = case_revision(store, user, CASE)
    # Nothing moved and the form shows the selected event: nothing is sent.
    assert form_after(app, user, POLLED, event(a), seen, f"event:{a}") is None
    # The chair has clicked event b but the form still shows event a (the click's answer was
    # superseded by this poll's): the poll draws b, even though the case has not changed.
    title, point = form_after(app, user, POLLED, event(b), seen, f"event:{a}")
    assert point == f"event:{b}"
    assert title == refl.describe_point(store, user, CASE, "event", b)["title"]
    # ... and the same when the form shows the case as a whole.
    assert form_after(app, user, POLLED, event(b), seen, "case")[1] == f"event:{b}"


def test_save_then_click_saves_to_the_point_shown_and_ends_on_the_point_clicked(chair):
    app, store, user, a, b, stage = chair
    seen = case_revision(store, user, CASE)
    # The form shows event a; the chair saves a reflection there...
    with as_user(app, user, triggered="refl-save.n_clicks"):
        message, text, *_ = reflection.save(
            1, event(a), stage, None, None, "What did the school know?", None, 0, CASE, None
        )
    assert text == "" and "saved" in str(message.children)
    # ... and clicks event b before the save's redraw comes back. Whichever answer the browser
    # keeps, every redraw it can ask for now (the save's, the click's, the next poll's, each
    # sent with the selected point b and the form's stale "event:a") draws event b.
    for trigger in (SAVED, CLICKED, POLLED):
        assert form_after(app, user, trigger, event(b), seen, f"event:{a}")[1] == f"event:{b}"
    # The reflection went to the point the form showed when Save was pressed, not to b.
    on_a = refl.list_reflections(store, user, CASE, target_kind="event", target_id=a)
    on_b = refl.list_reflections(store, user, CASE, target_kind="event", target_id=b)
    assert [r.text for r in on_a] == ["What did the school know?"]
    assert on_b == [] or all(r.text != "What did the school know?" for r in on_b)
    # Once the form shows b, the next poll (nothing changed since) sends nothing.
    fresh = case_revision(store, user, CASE)
    assert form_after(app, user, POLLED, event(b), fresh, f"event:{b}") is None


def test_a_reflection_saved_under_the_known_at_the_time_lens_says_so(chair):
    app, store, user, a, _, stage = chair
    lens = {"date": "2016-03-14", "agency": "Police", "words": "as the lens tab says it"}
    with as_user(app, user, triggered="refl-save.n_clicks"):
        reflection.save(
            1, event(a), stage, None, None, "What could police see?", None, 0, CASE, lens
        )
        reflection.save(
            1, event(a), stage, None, None, "And now, knowing all?", None, 1, CASE, None
        )
    said = {
        r.text: r.lens
        for r in refl.list_reflections(store, user, CASE, target_kind="event", target_id=a)
    }
    assert said == {
        "What could police see?": "with what was known to Police on 14 March 2016",
        "And now, knowing all?": None,
    }
