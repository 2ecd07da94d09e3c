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
