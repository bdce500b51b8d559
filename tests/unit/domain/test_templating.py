"""Note templates: placeholders are checked when saved and filled once, values stay plain text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relationship_crm.domain.errors import InvalidInputError
from relationship_crm.domain.templating import (
    PLACEHOLDERS,
    check_template,
    fill_template,
    template_problems,
)

NAMES = sorted(PLACEHOLDERS)


def test_every_field_is_filled():
    text = (
        "Dear {{first_name}},\nThanks for {{ meeting_title }} on {{meeting_date}}.\n{{signature}}"
    )
    values = {
        "first_name": "Jane",
        "meeting_title": "Q3",
        "meeting_date": "20 November",
        "signature": "Alex",
    }
    assert fill_template(text, values) == "Dear Jane,\nThanks for Q3 on 20 November.\nAlex"


def test_fallback_words_stand_in_for_an_empty_value():
    text = "the team at {{company|your company}}."
    assert fill_template(text, {"company": ""}) == "the team at your company."
    assert fill_template(text, {"company": "Acme"}) == "the team at Acme."


def test_an_empty_field_leaves_no_stray_space_before_punctuation():
    assert fill_template("Dear {{first_name}},", {}) == "Dear,"
    assert fill_template("Best, {{rep_name}} {{rep_title}}\nX", {"rep_title": "AE"}) == (
        "Best, AE\nX"
    )


def test_values_are_never_read_as_template_or_markup():
    values = {"first_name": "{{rep_name}} <b>Bob</b> & {{x|y}}", "rep_name": "SHOULD NOT APPEAR"}
    assert (
        fill_template("Dear {{first_name}},", values) == "Dear {{rep_name}} <b>Bob</b> & {{x|y}},"
    )


@pytest.mark.parametrize(
    "text, line, words",
    [
        (
            "Dear {{frist_name}},",
            1,
            "unknown placeholder {{frist_name}} (did you mean {{first_name}}?)",
        ),
        ("Hi\n\n{{ First Name }}", 3, "did you mean {{first_name}}?"),
        ("Hi {{nonsense_here}}", 1, "unknown placeholder {{nonsense_here}}"),
        ("Hi\n{{first_name", 2, "'{{' is not closed"),
        ("Hi first_name}}", 1, "'}}' has no opening"),
        ("   \n", 1, "the template is empty"),
    ],
)
def test_problems_name_the_line_and_the_field(text, line, words):
    problems = template_problems(text)
    assert problems, text
    assert problems[0].line == line
    assert words in problems[0].message


def test_check_lists_every_problem_and_the_known_placeholders():
    with pytest.raises(InvalidInputError) as info:
        check_template("{{a_b}} and {{c_d}}")
    message = str(info.value)
    assert "{{a_b}}" in message and "{{c_d}}" in message
    assert "{{first_name}}" in message  # the list of known ones


def test_a_good_template_has_no_problems():
    text = "\n".join("{{" + name + "}}" for name in NAMES) + "\n{{company|your team}}"
    assert template_problems(text) == []
    check_template(text)


plain_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="{}\x00"),
    max_size=40,
)


@given(
    parts=st.lists(st.tuples(plain_text, st.sampled_from(NAMES)), max_size=6),
    values=st.dictionaries(st.sampled_from(NAMES), st.text(max_size=30)),
)
def test_filling_a_valid_template_leaves_no_field_behind(parts, values):
    text = "".join(f"{before}{{{{{name}}}}}" for before, name in parts) or "x"
    assert template_problems(text) == [] or not text.strip()
    filled = fill_template(text, values)
    for name in NAMES:
        if not any("{{" + name + "}}" in v for v in values.values()):
            assert "{{" + name + "}}" not in filled


@given(value=st.text(max_size=60))
def test_any_value_is_inserted_verbatim(value):
    filled = fill_template("<{{full_name}}>", {"full_name": value})
    expected = value.replace("\x00", "").strip()
    if "\n" in expected or "\r" in expected:
        return  # line ends are tidied per line; plain one-line values are the contract here
    if expected:
        assert filled == f"<{expected}>"
    else:
        assert filled == "<>"


@given(st.text(max_size=200))
def test_checking_never_crashes(text):
    problems = template_problems(text)
    assert all(p.line >= 1 for p in problems)
