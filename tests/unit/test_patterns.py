"""The reviewer's lenses on hand-made cases: each rule once where it fires and once where it
just fails to, partial dates included."""

from __future__ import annotations

from datetime import date

import pandas as pd

from data import patterns
from data.patterns import Rules, find_all

CSC = "Children's Social Care"


def case(*rows) -> pd.DataFrame:
    """Events from (date, agency, category, event_type, summary[, precision]) tuples."""
    return pd.DataFrame(
        [
            {
                "event_id": i + 1,
                "event_date": pd.Timestamp(r[0]),
                "date_precision": r[5] if len(r) > 5 else "day",
                "agency": r[1],
                "category": r[2],
                "event_type": r[3],
                "summary": r[4],
                "source_ref": f"R{i + 1}",
            }
            for i, r in enumerate(rows)
        ]
    )


def kinds(found, kind):
    return [f for f in found if f.kind == kind]


def visit(day, agency="Health", summary="Home visit"):
    return (day, agency, "Health contact", "Visit", summary)


def test_a_silence_longer_than_the_span_is_found_and_one_a_day_shorter_is_not():
    found = find_all(case(visit("2016-01-01"), visit("2016-04-01")), Rules(silence_days=90))
    (silence,) = kinds(found, patterns.SILENCE)
    assert (silence.start, silence.end) == (date(2016, 1, 1), date(2016, 4, 1))
    assert silence.event_refs == ("R1", "R2") and "91 days" in silence.description
    assert not kinds(find_all(case(visit("2016-01-01"), visit("2016-03-31"))), patterns.SILENCE)


def test_a_month_precision_event_cannot_prove_a_silence():
    # 1 January to 1 June is 152 days; an event known only as "March 2016" may fall on any day
    # of March, so neither 1 Jan - 1 Mar nor 31 Mar - 1 Jun (61 days) proves 90 days of silence
    imprecise = ("2016-03-01", "Police", "Other", "Note", "Call", "month")
    found = find_all(case(visit("2016-01-01"), imprecise, visit("2016-06-01")))
    assert not kinds(found, patterns.SILENCE)
    # the same event dated to the day (1 March) leaves 1 March - 1 June, 92 days: a silence
    exact = ("2016-03-01", "Police", "Other", "Note", "Call", "day")
    (silence,) = kinds(
        find_all(case(visit("2016-01-01"), exact, visit("2016-06-01"))), patterns.SILENCE
    )
    assert silence.start == date(2016, 3, 1)
    # a year-precision event covers its whole year: no silence can be proven inside 2016
    year = ("2016-01-01", "Police", "Other", "Note", "Call", "year")
    found = find_all(case(visit("2015-12-30"), year, visit("2017-01-02")))
    assert not kinds(found, patterns.SILENCE)


def test_the_plan_holders_silence_is_found_within_its_plan_work_only():
    plan = (CSC, "Child protection")
    found = find_all(
        case(
            ("2018-01-01", *plan, "Child protection conference", "Initial conference"),
            visit("2018-02-01"),
            visit("2018-03-01"),
            visit("2018-04-01"),
            ("2018-05-01", *plan, "Core group", "Core group"),  # 120 days after the conference
            ("2018-06-01", *plan, "Review conference", "Review"),  # 31 days
            visit("2018-07-15"),
            visit("2018-09-01"),
            ("2018-10-01", CSC, "Other", "Home visit", "After the plan"),  # 122 days: no plan
        )
    )
    (silence,) = kinds(found, patterns.AGENCY_SILENCE)
    assert silence.agencies == (CSC,) and silence.event_refs == ("R1", "R5")
    assert "holding the plan" in silence.description and "120 days" in silence.description
    assert not kinds(found, patterns.SILENCE)  # health kept visiting


def missed(day, precision="day"):
    return (day, "Health", "Was not brought", "DNA", "Was not brought to clinic", precision)


def test_three_missed_appointments_in_six_months_cluster_and_a_day_longer_do_not():
    found = find_all(case(missed("2017-01-10"), missed("2017-03-01"), missed("2017-07-12")))
    (cluster,) = kinds(found, patterns.WAS_NOT_BROUGHT)
    assert cluster.event_refs == ("R1", "R2", "R3") and cluster.details["count"] == 3
    assert (cluster.start, cluster.end) == (date(2017, 1, 10), date(2017, 7, 12))
    spread = find_all(case(missed("2017-01-10"), missed("2017-03-01"), missed("2017-07-13")))
    assert not kinds(spread, patterns.WAS_NOT_BROUGHT)  # 184 days


def test_a_month_precision_missed_appointment_counts_only_if_all_its_month_fits():
    # "July 2017" may be 31 July: 10 January to 31 July is more than 6 months
    found = find_all(
        case(missed("2017-01-10"), missed("2017-03-01"), missed("2017-07-01", "month"))
    )
    assert not kinds(found, patterns.WAS_NOT_BROUGHT)
    found = find_all(
        case(missed("2017-02-10"), missed("2017-03-01"), missed("2017-07-01", "month"))
    )
    assert len(kinds(found, patterns.WAS_NOT_BROUGHT)) == 1


def test_overlapping_clusters_are_one_and_separate_bursts_are_two():
    days = ["2015-01-01", "2015-02-01", "2015-03-01", "2015-04-01", "2016-06-01", "2016-06-02",
            "2016-06-03"]  # fmt: skip
    found = kinds(find_all(case(*(missed(d) for d in days))), patterns.WAS_NOT_BROUGHT)
    assert [len(c.event_ids) for c in found] == [4, 3]


def test_repeated_domestic_abuse_three_in_a_year_and_not_two():
    da = ("Police", "Domestic abuse", "Domestic incident", "Incident at the address")
    three = find_all(case(("2015-01-01", *da), ("2015-06-01", *da), ("2016-01-01", *da)))
    assert len(kinds(three, patterns.DOMESTIC_INCIDENTS)) == 1
    spread = find_all(case(("2015-01-01", *da), ("2015-06-01", *da), ("2016-01-02", *da)))
    assert not kinds(spread, patterns.DOMESTIC_INCIDENTS)  # 366 days


def closure(day):
    return (day, CSC, "Closure and step down", "Case closure", "CIN plan closed")


def referral(day, agency="School", summary="School referral to children's social care"):
    return (day, agency, "Referral and contact", "Referral", summary)


def test_closure_then_re_referral_within_twelve_months_and_not_after():
    found = find_all(case(closure("2019-03-01"), referral("2020-02-29")))
    (again,) = kinds(found, patterns.RE_REFERRAL)
    assert again.event_refs == ("R1", "R2") and "365 days" in again.description
    assert not kinds(find_all(case(closure("2019-03-01"), referral("2020-03-01"))),
                     patterns.RE_REFERRAL)  # fmt: skip


def test_only_the_first_referral_after_a_closure_is_a_re_referral():
    found = find_all(case(closure("2019-03-01"), referral("2019-05-01"), referral("2019-06-01")))
    assert [f.event_refs for f in kinds(found, patterns.RE_REFERRAL)] == [("R1", "R2")]


def test_a_referral_with_no_response_from_another_agency_within_28_days():
    answer = (CSC, "Assessment", "Assessment", "Assessment started")
    answered = find_all(case(referral("2019-01-01"), ("2019-01-29", *answer)))
    assert not kinds(answered, patterns.UNANSWERED_REFERRAL)
    late = find_all(case(referral("2019-01-01"), ("2019-01-30", *answer)))
    (unanswered,) = kinds(late, patterns.UNANSWERED_REFERRAL)
    assert unanswered.event_refs == ("R1",) and unanswered.agencies == ("School",)
    # a response from the referring agency itself does not answer it
    own = ("School", "Assessment", "Assessment", "School's own assessment")
    assert kinds(find_all(case(referral("2019-01-01"), ("2019-01-05", *own))),
                 patterns.UNANSWERED_REFERRAL)  # fmt: skip
    # a recorded link from the referral answers it
    assert not kinds(find_all(case(referral("2019-01-01")), answered=frozenset({1})),
                     patterns.UNANSWERED_REFERRAL)  # fmt: skip


def test_a_referral_received_or_written_as_another_agencys_is_not_waiting_for_an_answer():
    for summary in ("Referral from school received", "Police referral: missing episode"):
        found = find_all(case(referral("2019-01-01", CSC, summary), visit("2019-01-02", "Police")))
        assert not kinds(found, patterns.UNANSWERED_REFERRAL), summary


def test_an_everyday_contact_is_not_a_referral():
    contact = ("2019-01-01", "Family Support", "Referral and contact", "Contact", "Phoned mum")
    assert not kinds(find_all(case(contact)), patterns.UNANSWERED_REFERRAL)


def test_a_referral_and_another_agencys_contact_record_within_five_days_are_suggested():
    received = referral("2019-01-06", CSC, "Contact received from school: neglect")
    (link,) = kinds(find_all(case(referral("2019-01-01"), received)), patterns.SUGGESTED_LINK)
    assert link.link_type == "referral sent / received" and link.event_refs == ("R1", "R2")
    assert "5 days apart" in link.description
    late = referral("2019-01-07", CSC, "Contact received from school: neglect")
    found = find_all(case(referral("2019-01-01"), late))
    assert not [f for f in kinds(found, patterns.SUGGESTED_LINK) if f.event_ids == (1, 2)]


def test_a_referral_received_naming_an_agency_is_linked_to_that_agencys_record_before_it():
    incident = ("2014-09-09", "Police", "Domestic abuse", "Domestic incident", "999 call")
    other = ("2014-09-10", "School", "Education", "Attendance", "Late")
    receipt = referral("2014-09-11", CSC, "Referral from police: domestic incident")
    (link,) = kinds(find_all(case(incident, other, receipt)), patterns.SUGGESTED_LINK)
    assert link.event_refs == ("R1", "R3") and link.agencies == ("Police", CSC)
    too_early = ("2014-09-05", "Police", "Domestic abuse", "Domestic incident", "999 call")
    assert not kinds(find_all(case(too_early, receipt)), patterns.SUGGESTED_LINK)


def test_a_concern_logged_and_another_agencys_referral_the_same_week():
    concern = ("2019-02-20", "School", "Concern and disclosure", "Welfare concern", "Hungry")
    found = find_all(case(concern, referral("2019-02-26", "Health", "GP referral to MASH")))
    (link,) = kinds(found, patterns.SUGGESTED_LINK)
    assert link.link_type == "information shared"
    found = find_all(case(concern, referral("2019-02-27", "Health", "GP referral to MASH")))
    assert not kinds(found, patterns.SUGGESTED_LINK)


def test_links_already_made_or_decided_are_not_suggested_again():
    events = case(referral("2019-01-01"), referral("2019-01-02", CSC, "Contact received"))
    assert kinds(find_all(events), patterns.SUGGESTED_LINK)
    assert not kinds(find_all(events, linked=frozenset({(2, 1)})), patterns.SUGGESTED_LINK)


def test_suggestions_need_two_events_dated_to_the_day():
    received = referral("2019-01-01", CSC, "Contact received from school")
    found = find_all(case((*referral("2019-01-01"), "month"), received))
    assert not kinds(found, patterns.SUGGESTED_LINK)


def account(day, agency, summary, precision="day"):
    return (day, agency, "Other", "Note", summary, precision)


def test_accounts_of_one_incident_by_several_agencies_are_grouped_never_merged():
    events = case(
        account("2020-05-04", "Police", "Mother assaulted by partner at home, child present"),
        account("2020-05-05", "Health", "Mother attended A&E after assault by partner, bruising"),
        account("2020-05-05", "School", "Child said partner hurt mother at home"),
        account("2020-05-05", "Housing", "Rent arrears letter sent"),
    )
    (group,) = kinds(find_all(events), patterns.CORROBORATION)
    assert group.event_refs == ("R1", "R2", "R3")
    assert group.details["agencies"] == 3 and group.details["common"] == ["mother", "partner"]
    assert "assaulted" in group.details["differ"]["Police"]
    assert "bruising" in group.details["differ"]["Health"]
    assert len(events) == 4  # nothing merged away


def test_accounts_two_days_apart_or_by_one_agency_or_in_other_words_are_not_grouped():
    text = "Mother assaulted by partner at home, child present"
    two_days = case(account("2020-05-04", "Police", text), account("2020-05-06", "Health", text))
    assert not kinds(find_all(two_days), patterns.CORROBORATION)
    same = case(account("2020-05-04", "Police", text), account("2020-05-04", "Police", text))
    assert not kinds(find_all(same), patterns.CORROBORATION)
    other = case(account("2020-05-04", "Police", text),
                 account("2020-05-04", "Health", "Immunisations given at clinic today"))  # fmt: skip
    assert not kinds(find_all(other), patterns.CORROBORATION)
    month = case(account("2020-05-04", "Police", text),
                 account("2020-05-01", "Health", text, "month"))  # fmt: skip
    assert not kinds(find_all(month), patterns.CORROBORATION)


def test_the_csv_row_names_the_agencies_own_references():
    (silence,) = kinds(find_all(case(visit("2016-01-01"), visit("2016-06-01"))), patterns.SILENCE)
    assert silence.csv_row()[:5] == ["silence", "2016-01-01", "2016-06-01", "Health", "R1; R2"]


def test_no_events_no_findings():
    assert find_all(case()) == []


def test_the_rules_are_said_in_words_from_the_rules_themselves():
    words = patterns.rules_words()
    assert "no contact for more than 90 days" in words
    assert "3 or more missed appointments in 6 months" in words
    assert "a re-referral within 12 months" in words and "within 28 days" in words
    shorter = patterns.rules_words(patterns.Rules(silence_days=45, missed_window_days=30))
    assert "more than 45 days" in shorter and "missed appointments in 30 days" in shorter
