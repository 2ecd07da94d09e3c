"""Links between events: made and dismissed by a person, with history; they answer the
lenses' suggestions and referrals; the known-at-the-time lens follows them."""

from __future__ import annotations

from datetime import date

import pytest

from data import event_links, patterns
from data.actor import SYSTEM
from data.demo import DEMO_CASE_REF
from data.errors import Forbidden, InvalidInput
from data.events import case_events
from data.users import add_user


def _event(store, ref: str) -> int:
    return store.query_one("SELECT event_id FROM events WHERE source_ref = ?", [ref])[0]


def _suggestions(store):
    return [f for f in patterns.case_findings(store, SYSTEM, DEMO_CASE_REF)
            if f.kind == patterns.SUGGESTED_LINK]  # fmt: skip


def test_accepting_a_suggestion_links_the_events_and_stops_suggesting_it(demo_store):
    before = _suggestions(demo_store)
    first = before[0]
    link_id = event_links.add_link(
        demo_store, SYSTEM, DEMO_CASE_REF, *first.event_ids, first.link_type, suggested=True
    )
    (link,) = event_links.list_links(demo_store, SYSTEM, DEMO_CASE_REF)
    assert (link.link_id, link.from_event_id, link.to_event_id) == (link_id, *first.event_ids)
    assert link.suggested and link.decided_by == SYSTEM.username
    assert (link.from_agency, link.to_agency) == first.agencies
    after = _suggestions(demo_store)
    assert first.event_ids not in [f.event_ids for f in after]
    assert len(after) == len(before) - 1


def test_a_dismissed_suggestion_is_kept_not_suggested_again_and_can_be_linked_later(demo_store):
    first = _suggestions(demo_store)[0]
    event_links.dismiss_suggestion(demo_store, SYSTEM, DEMO_CASE_REF, *first.event_ids,
                                   first.link_type)  # fmt: skip
    assert first.event_ids not in [f.event_ids for f in _suggestions(demo_store)]
    assert event_links.list_links(demo_store, SYSTEM, DEMO_CASE_REF) == []
    with pytest.raises(InvalidInput, match="already dismissed"):
        event_links.dismiss_suggestion(demo_store, SYSTEM, DEMO_CASE_REF, *first.event_ids,
                                       first.link_type)  # fmt: skip
    event_links.add_link(demo_store, SYSTEM, DEMO_CASE_REF, *first.event_ids, first.link_type)
    assert len(event_links.list_links(demo_store, SYSTEM, DEMO_CASE_REF)) == 1
    changes = [h["change"] for h in event_links.link_history(demo_store, SYSTEM, DEMO_CASE_REF)]
    assert changes == ["dismissed", "removed", "linked"]


def test_a_link_answers_the_referral_it_starts_from(demo_store):
    unanswered = [f for f in patterns.case_findings(demo_store, SYSTEM, DEMO_CASE_REF)
                  if f.kind == patterns.UNANSWERED_REFERRAL]  # fmt: skip
    referral = unanswered[0].event_ids[0]
    other = demo_store.query_one(
        "SELECT event_id FROM events WHERE agency_id <> (SELECT agency_id FROM events"
        " WHERE event_id = ?) ORDER BY event_id LIMIT 1",
        [referral],
    )[0]
    event_links.add_link(demo_store, SYSTEM, DEMO_CASE_REF, referral, other, "not received")
    still = [f.event_ids for f in patterns.case_findings(demo_store, SYSTEM, DEMO_CASE_REF)
             if f.kind == patterns.UNANSWERED_REFERRAL]  # fmt: skip
    assert (referral,) in still  # "not received" answers nothing
    (link,) = event_links.list_links(demo_store, SYSTEM, DEMO_CASE_REF)
    event_links.remove_link(demo_store, SYSTEM, DEMO_CASE_REF, link.link_id, "wrong type")
    event_links.add_link(demo_store, SYSTEM, DEMO_CASE_REF, referral, other, "information shared")
    gone = [f.event_ids for f in patterns.case_findings(demo_store, SYSTEM, DEMO_CASE_REF)
            if f.kind == patterns.UNANSWERED_REFERRAL]  # fmt: skip
    assert (referral,) not in gone


def test_bad_links_are_refused_with_a_reason_and_change_nothing(demo_store):
    police, police2 = _event(demo_store, "P-0001"), _event(demo_store, "P-0002")
    csc = _event(demo_store, "CSC-0001")
    for args, message in [
        ((police, police, "information shared"), "two different events"),
        ((police, police2, "information shared"), "two different agencies"),
        ((police, csc, "gossip"), "unknown link type"),
        ((police, 999_999, "information shared"), "not an event of case"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            event_links.add_link(demo_store, SYSTEM, DEMO_CASE_REF, *args)
    event_links.add_link(demo_store, SYSTEM, DEMO_CASE_REF, police, csc, "information shared")
    with pytest.raises(InvalidInput, match="already linked"):
        event_links.add_link(demo_store, SYSTEM, DEMO_CASE_REF, csc, police, "not received")
    with pytest.raises(InvalidInput, match="the reason for taking the link back is missing"):
        event_links.remove_link(demo_store, SYSTEM, DEMO_CASE_REF, 1, " ")
    assert len(event_links.list_links(demo_store, SYSTEM, DEMO_CASE_REF)) == 1


def test_only_the_chair_facilitator_or_an_administrator_links(demo_store):
    agent = add_user(demo_store, "agent", "agency", "agency-password-1", agency="Police")
    police, csc = _event(demo_store, "P-0001"), _event(demo_store, "CSC-0001")
    with pytest.raises(Forbidden):
        event_links.add_link(demo_store, agent, DEMO_CASE_REF, police, csc, "information shared")


def test_what_each_agency_knew_at_the_time_event_by_event(demo_store):
    events = case_events(demo_store, SYSTEM, DEMO_CASE_REF)
    police, csc = _event(demo_store, "P-0003"), _event(demo_store, "CSC-0005")
    event_links.add_link(demo_store, SYSTEM, DEMO_CASE_REF, police, csc, "referral sent / received")
    # a link saying the information did not travel passes nothing on
    housing = events[events["agency"] == "Housing"].iloc[0]
    event_links.add_link(demo_store, SYSTEM, DEMO_CASE_REF, int(housing.event_id), csc,
                         "should have been shared")  # fmt: skip
    social_care = "Children's Social Care"

    def unknown(day, agency=None):
        ids = event_links.unknown_event_ids(demo_store, SYSTEM, DEMO_CASE_REF, day, agency)
        return set(ids.tolist())

    day = date(2014, 9, 11)  # the day social care received the police referral
    greyed = unknown(day, social_care)
    for row in events.itertuples():
        happened = row.event_date.date() <= day
        expected = happened and (row.agency == social_care or row.event_id == police)
        assert (row.event_id not in greyed) == expected, (row.source_ref, row.event_date)
    # the day before, the referral had not arrived: the police incident was not known to it
    assert police in unknown(date(2014, 9, 10), social_care)
    # police knew its own incident, not what social care did with it
    assert police not in unknown(day, "Police") and csc in unknown(day, "Police")
    # the whole partnership knew everything that had happened by then (a month-precision
    # event from the first day of its month)
    happened = set(events.loc[events["event_date"] <= "2014-09-11", "event_id"])
    assert unknown(day) == set(events["event_id"]) - happened
    month = events[events["date_precision"] == "month"].iloc[0]
    assert month.event_id not in unknown(month.event_date.date())


def test_the_committee_counts_unanswered_shares_by_category_and_agency_suppressed(demo_store):
    from data import crc
    from data.demo.crc_demo import sign_off_synthetic_records

    police = [_event(demo_store, f"P-{n:04d}") for n in range(1, 8)]
    csc = _event(demo_store, "CSC-0001")
    for event_id in police:
        event_links.add_link(demo_store, SYSTEM, DEMO_CASE_REF, event_id, csc, "not received")
    school, school_csc = _event(demo_store, "S-0017"), _event(demo_store, "CSC-0030")
    event_links.add_link(demo_store, SYSTEM, DEMO_CASE_REF, school, school_csc,
                         "referral sent / received", note="Named note")  # fmt: skip
    # the committee has them once the case's record is signed off (tests/store/
    # test_committee_patterns.py: not before)
    case_id = demo_store.query_one("SELECT case_id FROM cases WHERE case_ref = ?",
                                   [DEMO_CASE_REF])[0]  # fmt: skip
    with demo_store.transaction() as cur:
        cur.execute("INSERT INTO meetings (case_id, meeting_date) VALUES (?, '2024-09-02')",
                    [case_id])  # fmt: skip
    sign_off_synthetic_records(demo_store, [case_id])
    rows = demo_store.query("SELECT * FROM crc_event_links")
    assert len(rows) == 8 and "Named note" not in repr(rows)
    counts = crc.unanswered_share_counts(demo_store, SYSTEM, crc.CrcFilters())
    assert list(counts.columns) == ["Police"]  # the school's referral arrived
    assert int(counts["Police"].sum()) == 7
    table = crc.unanswered_share_table(demo_store, SYSTEM, crc.CrcFilters())
    assert table.loc["Total", "Police"] == 7
    small = table.drop(index="Total")["Police"]
    assert all(v == "c" or v == 0 or int(v) >= 6 for v in small)
