"""Words the product shows for stored codes, defined once for every screen and document.

Plain constants with no database access, so that `components` can import them without
reaching the store.
"""

from __future__ import annotations

ASSESSMENTS = {
    "good_practice": "Good practice",
    "problem": "Problem",
    "mixed": "Mixed",
}

# A learning point's scope.
SCOPES = {"single_agency": "Single-agency", "cross_agency": "Cross-agency"}

# An action's status, in the order it moves through.
ACTION_STATUSES = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "verified": "Verified",
}


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 event', '313 events', '1 agency', '6 agencies' (thousands separated)."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


# What the reviewer's lenses find (data.patterns), by kind.
SILENCE = "silence"
AGENCY_SILENCE = "agency_silence"
WAS_NOT_BROUGHT = "was_not_brought"
RE_REFERRAL = "re_referral"
DOMESTIC_INCIDENTS = "domestic_incidents"
UNANSWERED_REFERRAL = "unanswered_referral"
SUGGESTED_LINK = "suggested_link"
CORROBORATION = "corroboration"

KIND_LABELS = {
    SILENCE: "Silence",
    AGENCY_SILENCE: "Silence of the agency holding the plan",
    WAS_NOT_BROUGHT: "Missed appointments / was not brought",
    RE_REFERRAL: "Closure then re-referral",
    DOMESTIC_INCIDENTS: "Repeated domestic abuse",
    UNANSWERED_REFERRAL: "Referral with no recorded response",
    SUGGESTED_LINK: "Suggested link",
    CORROBORATION: "One incident, several accounts",
}

# What the committee counts of them (data.committee_patterns): not the suggested links, which
# wait for a person.
COMMITTEE_PATTERN_KINDS = tuple(k for k in KIND_LABELS if k != SUGGESTED_LINK)
NO_EVENT_KINDS = (SILENCE, AGENCY_SILENCE)  # silences: no event, so no category

# Link types between two events (stored in event_links; suggestions propose the first two).
LINK_TYPES = (
    "referral sent / received",
    "information shared",
    "information requested",
    "not received",
    "should have been shared",
)
