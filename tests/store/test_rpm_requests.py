"""The flowchart's first step: an agency requests an RPM; the business unit accepts it (opening
the case with its details) or declines it with a reason; the requester sees the outcome."""

from __future__ import annotations

from datetime import date

import pytest

from data.actor import SYSTEM
from data.errors import Forbidden, InvalidInput
from data.rpm_requests import decline_request, get_request, list_requests, submit_request
from data.setup import CaseSetup, get_setup, open_case
from data.users import add_user
from data.workflow import case_stages_done

ASK = {
    "child_label": "Child K",
    "date_of_birth": date(2015, 5, 1),
    "reason": "Repeated missed health appointments and a late referral.",
    "agencies_involved": "School, health visiting, children's social care",
    "hoped_learning": "Why the pattern of missed appointments was not escalated.",
    "urgency": "soon",
}


@pytest.fixture
def people(store):
    school = add_user(store, "teacher", "agency", "school-password-1", agency="School")
    police = add_user(store, "officer", "agency", "police-password-1", agency="Police")
    chair = add_user(store, "chair1", "chair", "chair-password-1")
    return school, police, chair


def test_an_agency_asks_and_only_it_and_the_business_unit_see_the_request(store, people):
    school, police, _ = people
    with pytest.raises(InvalidInput, match="what you hope to learn is missing"):
        submit_request(store, school, **{**ASK, "hoped_learning": " "})
    with pytest.raises(InvalidInput, match="how urgent"):
        submit_request(store, school, **{**ASK, "urgency": "yesterday"})
    request = submit_request(store, school, **ASK)
    assert (request.status, request.requesting_agency, request.case_ref) == (
        "pending",
        "School",
        None,
    )
    assert [r.request_id for r in list_requests(store, school)] == [request.request_id]
    assert list_requests(store, police) == []
    assert [r.request_id for r in list_requests(store, SYSTEM)] == [request.request_id]
    audited = store.query("SELECT actor, detail FROM audit_log WHERE detail LIKE 'RPM request%'")
    assert audited == [("teacher", f"RPM request {request.request_id} submitted by School")]


def test_declined_with_a_reason_the_requester_sees(store, people):
    school, _, chair = people
    request = submit_request(store, school, **ASK)
    with pytest.raises(Forbidden):
        decline_request(store, chair, request.request_id, "no")
    with pytest.raises(InvalidInput, match="reason for declining is missing"):
        decline_request(store, SYSTEM, request.request_id, "")
    decline_request(store, SYSTEM, request.request_id, "Already under a practice review")
    seen = get_request(store, school, request.request_id)
    assert (seen.status, seen.decline_reason, seen.decided_by) == (
        "declined",
        "Already under a practice review",
        "cli",
    )
    with pytest.raises(InvalidInput, match="already declined"):
        decline_request(store, SYSTEM, request.request_id, "again")


def test_accepted_the_case_opens_with_the_requests_details(store, people):
    school, _, _ = people
    request = submit_request(store, school, **ASK)
    setup = CaseSetup(
        case_ref="RPM-K",
        label=request.child_label,
        date_of_birth=request.date_of_birth,
        requesting_agency=request.requesting_agency,
        purpose=request.purpose(),
        chair_username="chair1",
        facilitator_username="chair1",
        chair_name="Chris Chair",
        facilitator_name="Chris Chair",
    )
    open_case(store, SYSTEM, setup, from_request=request.request_id)
    seen = get_request(store, school, request.request_id)
    assert (seen.status, seen.case_ref) == ("accepted", "RPM-K")
    opened = get_setup(store, SYSTEM, "RPM-K")
    assert ASK["hoped_learning"] in opened.purpose and opened.requesting_agency == "School"
    assert [d.stage_key for d in case_stages_done(store, SYSTEM, "RPM-K")] == ["identified"]
    # The requesting agency can open the case it asked for.
    assert get_setup(store, school, "RPM-K").label == "Child K"
    # A request accepted once cannot open a second case; nothing of that one is kept.
    with pytest.raises(InvalidInput, match="already accepted"):
        open_case(store, SYSTEM, CaseSetup(**{**setup.__dict__, "case_ref": "RPM-K2"}),
                  from_request=request.request_id)  # fmt: skip
    assert store.query_one("SELECT count(*) FROM cases WHERE case_ref = 'RPM-K2'")[0] == 0
