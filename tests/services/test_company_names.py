"""`companies.name_stem`: what `company duplicates` groups by (property-based)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from relationship_crm.services.companies import LEGAL_FORMS, name_stem

# A word of a company's own name: letters (some accented), two or more, not a legal form.
word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéüøñ", min_size=2, max_size=10).filter(
    lambda w: w not in LEGAL_FORMS and w != "and"
)
legal = st.sampled_from(sorted(LEGAL_FORMS))
punctuation = st.sampled_from(["", ",", ".", " &", " and"])


@given(st.lists(word, min_size=1, max_size=4), st.lists(st.tuples(punctuation, legal), max_size=3))
def test_a_legal_form_after_the_name_does_not_change_its_stem(own, forms):
    name = " ".join(own)
    suffixed = name + "".join(
        f"{p} {form.upper() if i % 2 else form.title()}." for i, (p, form) in enumerate(forms)
    )
    assert name_stem(suffixed) == name_stem(name)


@given(st.lists(word, min_size=1, max_size=4))
def test_case_and_accents_do_not_change_the_stem(own):
    name = " ".join(own)
    assert name_stem(name.upper()) == name_stem(name)
    assert name_stem(name.replace("e", "é")) == name_stem(name.replace("é", "e"))
    assert name_stem(name) != ""
