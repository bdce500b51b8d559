"""Folding and name splitting, the basis of search and sorting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relationship_crm.domain.text import clean_block, clean_line, fold, split_name, words


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Ó Briain", "o briain"),
        ("Zoë", "zoe"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("Søren", "soren"),
        ("ﬁnance", "finance"),
        ("Ærø", "aero"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "name, parts",
    [
        ("Jane Doe", ("Jane", "Doe")),
        ("Siobhán Ó Briain", ("Siobhán", "Ó Briain")),
        ("Ludwig van Beethoven", ("Ludwig", "van Beethoven")),
        ("Mary Ann de la Cruz", ("Mary Ann", "de la Cruz")),
        ("Cher", ("Cher", "")),
        ("", ("", "")),
    ],
)
def test_split_name(name, parts):
    assert split_name(name) == parts


@given(st.text())
def test_fold_is_idempotent_and_words_are_folded(text):
    assert fold(fold(text)) == fold(text)
    assert all(w == fold(w) for w in words(text))


@given(st.text())
def test_clean_line_has_no_control_characters_or_newlines(text):
    cleaned = clean_line(text)
    assert "\n" not in cleaned and "\x00" not in cleaned
    assert cleaned == cleaned.strip()
    assert clean_line(cleaned) == cleaned


def test_clean_block_keeps_lines():
    assert clean_block("  a\r\nb\x00c\n\tz  ") == "a\nbc\n\tz"
