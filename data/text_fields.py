"""What a typed text field may be, said the same way on every form: trimmed, required or not,
and within its length (a refusal names the field and both lengths)."""

from __future__ import annotations

from data.errors import InvalidInput


def within(text: str, what: str, limit: int) -> str:
    """The text, or InvalidInput when it is longer than `limit` characters."""
    if len(text) > limit:
        raise InvalidInput(f"{what} is {len(text):,} characters; the maximum is {limit:,}")
    return text


def optional_text(value: str | None, what: str, limit: int) -> str | None:
    """The text without surrounding spaces, None when blank."""
    text = (value or "").strip()
    return within(text, what, limit) if text else None


def required_text(value: str | None, what: str, limit: int) -> str:
    """The text without surrounding spaces; InvalidInput ("... is missing") when blank."""
    text = optional_text(value, what, limit)
    if text is None:
        raise InvalidInput(f"{what} is missing")
    return text
