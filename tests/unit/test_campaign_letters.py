"""Campaign letters are filled from templates (issue 16): properties of `fill_letter`."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from relationship_crm.domain.templating import CAMPAIGN_PLACEHOLDERS
from relationship_crm.services.campaign_merge import fill_letter
from relationship_crm.services.campaigns import parse_outcome

FIELDS = sorted(CAMPAIGN_PLACEHOLDERS)
values = st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=30))
plain = st.text(alphabet=st.characters(blacklist_characters="{}\x00"), max_size=40)


@given(values=st.dictionaries(st.sampled_from(FIELDS), plain), words=plain)
def test_no_field_is_left_in_a_filled_letter(values, words):
    template = "\n".join(f"{words} {{{{{name}}}}}" for name in FIELDS)
    assert "{{" not in fill_letter(template, values)


@given(name=st.sampled_from(FIELDS))
def test_a_value_that_looks_like_a_field_stays_plain_text(name):
    filled = fill_letter("Dear {{first_name}}", {"first_name": "{{" + name + "}}"})
    assert filled == "Dear {{" + name + "}}"


@given(values=values)
def test_a_line_of_empty_fields_is_left_out(values):
    values = {**values, "rep_title": "", "rep_phone": ""}
    filled = fill_letter("Regards,\n\nSam\n{{rep_title}}\n{{rep_phone}}\nEnd", values)
    assert filled == "Regards,\n\nSam\nEnd"


@given(st.sampled_from(["no-response", "replied", "meeting", "lead", "deal", "opted-out"]))
def test_outcomes_parse_in_any_case(name):
    assert parse_outcome(f"  {name.upper()} ") == name
