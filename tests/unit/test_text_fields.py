"""Typed text fields are refused the same way on every form: named, with both lengths."""

from __future__ import annotations

import pytest

from data.errors import InvalidInput
from data.text_fields import optional_text, required_text


def test_text_is_trimmed_and_blank_is_none_or_missing():
    assert optional_text("  Kept as typed, inside  ", "the note", 40) == "Kept as typed, inside"
    assert optional_text(" \n ", "the note", 40) is None
    assert optional_text(None, "the note", 40) is None
    with pytest.raises(InvalidInput, match=r"^the reason for declining is missing$"):
        required_text("   ", "the reason for declining", 40)


def test_a_text_over_its_limit_names_the_field_and_both_lengths():
    assert required_text("x" * 1200, "the summary", 1200) == "x" * 1200
    with pytest.raises(InvalidInput) as refused:
        required_text("x" * 1201, "the summary", 1200)
    assert str(refused.value) == "the summary is 1,201 characters; the maximum is 1,200"
    # The limit applies to what is kept: surrounding spaces do not count.
    assert optional_text("  " + "y" * 5 + "  ", "the venue", 5) == "yyyyy"
