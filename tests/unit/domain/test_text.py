"""Folding and name splitting, the basis of search and sorting."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relationship_crm.domain import text as text_module
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


def letter_by_letter(text: str) -> str:
    """fold as it was before its shortcuts (issue 18): the reference they must agree with."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    stripped = "".join(
        c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c)[0] != "M"
    )
    return stripped.translate(text_module._EXTRA_FOLDS)


accented = st.text(
    alphabet=st.sampled_from(
        "aeiouAEIOU ÀÁÂÃÄÅÇÈÉÍÑÓÖØÚÜßàáâãäåçèéíñóöøúüÆæŒœĳ\u0301\u0308\u0327\u0338ΣσςΆİıŁłǅ"
    )
)


@given(st.one_of(st.text(), accented))
def test_fold_shortcuts_agree_with_folding_letter_by_letter(text):
    assert fold(text) == letter_by_letter(text)


@given(st.one_of(st.text(), st.text(alphabet=" ab\tc\u00a0\n")))
def test_clean_line_shortcut_agrees_with_splitting(text):
    spaced = (
        "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
        if not text.isprintable()
        else text
    )
    assert clean_line(text) == " ".join(spaced.split())
