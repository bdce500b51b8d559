"""Fixed vocabularies the command line declares before any service loads: settings, outcomes."""

from __future__ import annotations

# The settings' keys with a short description (services/settings.py refuses unknown keys, so a
# typo does not silently vanish).
KNOWN_SETTINGS: dict[str, str] = {
    "timezone": "IANA time zone for dates you type and the daily list (default: the system's)",
    "currency": "ISO 4217 code used when a gift's currency is not given (default: USD)",
    "phone_region": "two-letter country for phone numbers typed without +country (e.g. GB)",
    "rep_name": "your name, for letters and notes",
    "rep_title": "your job title",
    "rep_company": "your company",
    "rep_address": "your postal address; one line per envelope line (letterhead and envelopes)",
    "rep_phone": "your phone number (letterhead)",
    "rep_email": "your email address (letterhead)",
    "signature": "how you sign notes (default: your name)",
    "date_style": "how dates are written in notes: us (November 23, 2026) or "
    "international (23 November 2026); default from the time zone",
    "page_size": "paper for thank-you notes: a4, letter, a6 or card (4.25x5.5 in); "
    "default from the date style",
    "gift_budget": "yearly gift and hospitality budget as AMOUNT CURRENCY (e.g. 1200 USD); "
    "the dashboard sets the last 12 months' spend against it",
}

#: The outcomes a rep sets per campaign member; every one but `no-response` counts as a response.
OUTCOMES = ("no-response", "replied", "meeting", "lead", "deal", "opted-out")
