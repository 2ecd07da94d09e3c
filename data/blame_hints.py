"""Ground rule: learning, not blame. Phrases that often frame practice as individual fault, and
the hint the reflection form shows when it meets them (the writer decides; nothing is refused)."""

from __future__ import annotations

import re

# Ground rule: learning, not blame. Phrases that often frame practice as individual fault.
BLAMING_PATTERNS = (
    r"failed to",
    r"fail(?:ed|ure) (?:of|by)",
    r"should have",
    r"shouldn'?t have",
    r"should not have",
    r"negligen(?:t|ce)",
    r"incompeten(?:t|ce)",
    r"careless(?:ly|ness)?",
    r"(?:his|her|their) fault",
    r"to blame",
    r"blame[sd]?",
    r"ignored",
    r"didn'?t bother",
    r"lazy",
)


_BLAMING = re.compile(r"\b(" + "|".join(BLAMING_PATTERNS) + r")\b", re.IGNORECASE)


SYSTEMS_HINT = (
    "This reads as if one person is at fault. The meeting is about learning, not blame: "
    "could you describe what made this hard at the time — workload, information that "
    "was not shared, systems or processes — and what would help next time?"
)


def blaming_phrases(text: str | None) -> list[str]:
    """The blaming phrases found in the text, in order, each once (case as typed)."""
    seen: dict[str, str] = {}
    for match in _BLAMING.finditer(text or ""):
        seen.setdefault(match.group(1).lower(), match.group(1))
    return list(seen.values())
