"""The committee's forms (decisions, actions, corrections) as a committee member uses them:
the save callbacks called as plain functions with what the browser would send."""

from __future__ import annotations

from datetime import date

import pytest
from dash import no_update

from app.panels import committee as panel
from app.timeline.learning import learning_panel
from data import committee
from data.cases import get_case
from data.crc import case_key_of
from data.record import save_draft, sign_off
from data.users import add_user, get_user
from tests.support.callbacks import as_user, find, page, text_of
from tests.support.rpm_case import CASE, RECORD

TODAY = date.today().isoformat()


@pytest.fixture
def member(rpm_app):
    """(app, store, committee member, "case:KEY"): the RPM case signed off by its chair."""
    app, store = rpm_app
    chair = get_user(store, "pokafor")
    save_draft(store, chair, CASE, **RECORD)
    sign_off(store, chair, CASE)
    user = add_user(store, "committee", "crc", "crc-test-password")
    case_id = store.query_one("SELECT case_id FROM cases WHERE case_ref = ?", [CASE])[0]
    return app, store, user, f"case:{case_key_of(store, case_id)}"


def test_a_decision_without_a_subject_is_refused_and_the_words_typed_are_kept(member):
    app, store, user, _ = member
    with as_user(app, user):
        message, saved, *fields = panel.save_decision(1, None, TODAY, "Considered", "Decided", 3)
    assert "Not saved: choose a case or a theme first" in text_of(message)
    assert saved is no_update and fields == [no_update, no_update]
    assert committee.list_decisions(store, user) == []


def test_a_decision_is_recorded_the_lists_redraw_and_the_form_empties(member):
    app, store, user, subject = member
    with as_user(app, user):
        message, saved, *fields = panel.save_decision(
            1,
            subject,
            TODAY,
            "The shared learning on information sharing.",
            "Ask for a protocol.",
            3,
        )
    assert "recorded on case" in text_of(message) and "(stage 6)" in text_of(message)
    assert saved == 4 and fields == ["", ""]
    (decision,) = committee.list_decisions(store, user)
    assert decision.decision == "Ask for a protocol."


def test_an_action_needs_its_decision_and_a_bad_date_is_said_not_raised(member):
    app, store, user, subject = member
    with as_user(app, user):
        refused, *_ = panel.save_action(1, None, "Joint protocol", "Police", "", "open", "", 0)
        panel.save_decision(1, subject, TODAY, "Considered", "Decided", 0)
        (decision,) = committee.list_decisions(store, user)
        bad_date, saved, *kept = panel.save_action(
            1, str(decision.decision_id), "Joint protocol", "Police", "31/31/2026", "open", "", 0
        )
        planned, saved_after, *reset = panel.save_action(
            1, str(decision.decision_id), "Joint protocol", "Police", "", "open", "", 0
        )
    assert "record the committee's decision first" in text_of(refused)
    assert text_of(bad_date).count("Not saved") == 1 and saved is no_update
    assert kept == [no_update] * 5
    assert "planned under decision" in text_of(planned) and saved_after == 1
    assert reset == ["", None, "", "open", ""]
    (decision,) = committee.list_decisions(store, user)
    assert [a.description for a in decision.actions] == ["Joint protocol"]


def test_a_decision_is_withdrawn_with_a_reason_from_the_correction_form(member):
    app, store, user, subject = member
    with as_user(app, user):
        panel.save_decision(1, subject, TODAY, "Considered", "Decided", 0)
    (decision,) = committee.list_decisions(store, user)
    chosen = str(decision.decision_id)
    with as_user(app, user, triggered="committee-fix-withdraw.submit_n_clicks"):
        no_reason, *_ = panel.fix_decision(None, 1, chosen, TODAY, "", "", "", 0)
        assert committee.list_decisions(store, user) != []
        withdrawn, saved, reason = panel.fix_decision(
            None, 1, chosen, TODAY, "", "", "Wrong case", 0
        )
    assert "Not saved" in text_of(no_reason)
    assert "withdrawn" in text_of(withdrawn) and (saved, reason) == (1, "")
    assert committee.list_decisions(store, user) == []


def test_dates_are_typed_and_shown_day_first_whatever_the_browsers_locale(member):
    app, store, user, subject = member
    with as_user(app, user):
        panel.save_decision(1, subject, f"{date.today():%d/%m/%Y}", "Considered", "Decided", 0)
        (decision,) = committee.list_decisions(store, user)
        panel.save_action(
            1, str(decision.decision_id), "Joint protocol", "Police", "03/02/2027", "open", "", 0
        )
        missing_day, *_ = panel.save_action(
            1, str(decision.decision_id), "Second", "Police", "29/02/2027", "open", "", 0
        )
        shown_date, *_ = panel.fill_decision_fix(str(decision.decision_id))
    (decision,) = committee.list_decisions(store, user)
    assert decision.decided_on == date.today()  # read day first
    assert [a.due_date for a in decision.actions] == [date(2027, 2, 3)]
    assert "'29/02/2027' is not a date that exists" in text_of(missing_day)
    assert shown_date == f"{date.today():%d/%m/%Y}"  # the correction form shows it so too


def locale_pickers(component) -> list[str]:
    """The ids of the browser's date and time pickers in a component tree (they follow the
    browser's locale: mm/dd/yyyy and 10:00 AM on a US-configured machine)."""
    found = [component.id] if getattr(component, "type", None) in ("date", "time") else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            found += locale_pickers(child)
    return found


def test_no_form_uses_the_browsers_date_or_time_picker(member):
    app, store, user, _ = member
    admin = add_user(store, "admin2", "admin", "a long pass phrase five")
    with as_user(app, user):
        committee_tabs = [panel.decisions_tab(user, {}), panel.briefings_tab(user, {})]
    with as_user(app, admin):
        pages = [
            page("case_setup").layout(case_ref=CASE),
            page("rpm_requests").layout(),
            page("case_timeline").layout(case_ref=CASE),
            learning_panel(get_case(store, CASE)),
        ]
    assert [locale_pickers(c) for c in committee_tabs + pages] == [[]] * 6
    # the forms' date fields are text read day first (components.forms.uk_date_input)
    assert find(pages[0], "setup-meeting-date").placeholder == "dd/mm/yyyy"
    assert find(pages[0], "setup-start-time").placeholder == "hh:mm"
