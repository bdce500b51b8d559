"""`relationship-crm event`: add (fan-out follow-ups), list, show, edit and delete."""

from __future__ import annotations

import pytest


@pytest.fixture
def people(cli) -> dict[str, int]:
    ids = {}
    for name, company in (("Ann", "Acme Corp"), ("Bob", "Acme Corp"), ("Cy", "Globex")):
        ids[name] = cli("contact", "add", name, "--company", company).id
    assert (
        cli(
            "contact", "delete", str(cli("contact", "add", "Gone", "--company", "Acme Corp").id)
        ).code
        == 0
    )
    return ids


def test_a_company_event_prints_its_id_and_names_the_follow_ups_on_stderr(cli, people):
    result = cli(
        "event",
        "add",
        "--company",
        "acme corp",
        "--kind",
        "new-executive",
        "--date",
        "2026-12-01",
        "--note",
        "New CFO: Dana",
        "--source",
        "https://example.com/news",
        "--follow-up",
        "2026-12-07 10:00",
    )
    assert result.code == 0, result.err
    event_id = result.id
    assert result.err.startswith("relationship-crm: note: follow-ups: ")
    followup_ids = [int(i) for i in result.err.split(":")[-1].split()]
    assert len(followup_ids) == 2  # Ann and Bob; the trashed contact gets none
    listed = cli("event", "list", "--format", "json").json()
    assert listed == [
        {
            "id": event_id,
            "kind": "new-executive",
            "date": "2026-12-01",
            "company": "Acme Corp",
            "company_id": listed[0]["company_id"],
            "contact_id": None,
            "contact_name": None,
            "note": "New CFO: Dana",
            "source": "https://example.com/news",
            "followup_ids": followup_ids,
            "created_at": listed[0]["created_at"],
            "updated_at": listed[0]["updated_at"],
        }
    ]
    fus = cli("followup", "list", "--format", "json").json()
    assert sorted(f["contact_name"] for f in fus) == ["Ann", "Bob"]
    assert all(f["due"] == "2026-12-07T10:00:00-05:00" for f in fus)
    assert all("New executive at Acme Corp" in f["note"] for f in fus)


def test_no_follow_up_and_contact_events(cli, people):
    quiet = cli(
        "event",
        "add",
        "--company",
        "Globex",
        "--kind",
        "award",
        "--date",
        "2026-11-02",
        "--no-follow-up",
    )
    assert quiet.code == 0 and quiet.err == ""
    personal = cli(
        "event",
        "add",
        "--contact",
        str(people["Ann"]),
        "--kind",
        "job-change",
        "--date",
        "2026-11-03",
    )
    assert personal.code == 0 and "follow-ups: " in personal.err
    assert len(cli("followup", "list", "--format", "json").json()) == 1
    rows = cli("event", "list", "--contact", str(people["Cy"]), "--format", "json").json()
    assert [r["id"] for r in rows] == [quiet.id]
    rows = cli("event", "list", "--company", "Acme Corp", "--format", "json").json()
    assert [(r["id"], r["contact_id"]) for r in rows] == [(personal.id, people["Ann"])]
    since = cli("event", "list", "--since", "2026-11-03", "--format", "json").json()
    assert [r["id"] for r in since] == [personal.id]
    text = cli("event", "list").out
    assert "job-change" in text and "Ann (Acme Corp)" in text and "Globex" in text


def test_a_follow_up_in_a_gap_is_told_as_followup_add_does(cli, people):
    result = cli(
        "event",
        "add",
        "--contact",
        str(people["Cy"]),
        "--kind",
        "funding",
        "--date",
        "2026-03-01",
        "--follow-up",
        "2026-03-08 02:30",
    )
    assert result.code == 0
    assert (
        "relationship-crm: note: 02:30 does not exist on 2026-03-08 in America/New_York "
        "(clocks go forward); saved as 03:30 EDT (UTC-4)\n"
    ) in result.err


def test_show_edit_and_delete(cli, people):
    event_id = cli(
        "event",
        "add",
        "--company",
        "Acme Corp",
        "--kind",
        "layoff",
        "--date",
        "2026-10-01",
    ).id
    assert (
        cli(
            "event",
            "edit",
            str(event_id),
            "--kind",
            "expansion",
            "--note",
            "New plant",
            "--source",
            "Local paper, p. 3",
            "--date",
            "2026-10-02",
        ).code
        == 0
    )
    shown = cli("event", "show", str(event_id)).out
    assert shown.startswith("Expansion: Acme Corp")
    assert "date: 2026-10-02" in shown and "source: Local paper, p. 3" in shown
    assert "note: New plant" in shown and shown.count("follow-up #") == 2
    data = cli("event", "show", str(event_id), "--format", "json").json()[0]
    assert (data["kind"], data["note"]) == ("expansion", "New plant")
    deleted = cli("event", "delete", str(event_id))
    assert deleted.out == f"{event_id}\n"
    assert "its follow-ups stay, no longer linked to it" in deleted.err
    assert len(cli("followup", "list", "--format", "json").json()) == 2
    assert cli("event", "list").out == "No trigger events.\n"
    gone = cli("event", "show", str(event_id))
    assert gone.code == 1 and gone.err.strip().endswith(f"no trigger event with id {event_id}")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--company", "Acme Crop"), "no company named 'Acme Crop'; did you mean 'Acme Corp'?"),
        (("--company", "Nowhere"), "no company named 'Nowhere'"),
        (("--contact", "999"), "no contact with id 999"),
        (("--company", "Globex", "--kind", "rumour"), "unknown event kind 'rumour'"),
        (("--company", "Globex", "--tz", "Mars/Base"), "unknown time zone"),
        (("--company", "Globex", "--no-follow-up", "--tz", "UTC"), "--tz is the follow-ups' zone"),
        (("--company", "Globex", "--date", "1700-01-01"), "between 1900 and 2200"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(cli, people, argv, message):
    base = {"--kind": "merger", "--date": "2026-12-01"}
    extra = [x for k, v in base.items() if k not in argv for x in (k, v)]
    result = cli("event", "add", *argv, *extra)
    assert result.code == 1
    assert message in result.err and len(result.err.strip().splitlines()) == 1
    assert cli("event", "list", "--format", "json").json() == []
    assert cli("followup", "list", "--format", "json").json() == []
