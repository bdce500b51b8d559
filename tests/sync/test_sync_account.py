"""`sync setup`, `status` and `forget` against a real Radicale: discovery, collections, login,
the password never in the database, and one clear line for each thing that can go wrong."""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing

import pytest
import requests
from radicale_server import PASSWORD, Server

pytestmark = pytest.mark.timeout(120)


def collections(server: Server, user: str, kind: str) -> dict[str, str]:
    """display name -> href of the user's collections of `kind`, read by a second client."""
    body = (
        '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/>'
        "<d:displayname/></d:prop></d:propfind>"
    )
    answer = requests.request(
        "PROPFIND",
        f"{server.url}/{user}/",
        data=body,
        headers={"Depth": "1"},
        auth=(user, PASSWORD),
        timeout=30,
    )
    assert answer.status_code == 207
    import xml.etree.ElementTree as ET

    found = {}
    for response in ET.fromstring(answer.content).iter("{DAV:}response"):
        kinds = [c.tag for c in response.iter("{DAV:}resourcetype") for c in c]
        if any(k.endswith("}" + kind) for k in kinds):
            name = response.findtext(".//{DAV:}displayname") or ""
            found[name] = response.findtext("{DAV:}href") or ""
    return found


def test_setup_discovers_creates_and_checks_the_login(cli, radicale, user, sync_env, db_path):
    result = cli("sync", "setup", "--url", radicale.url, "--username", user)
    assert result.code == 0, result.err
    assert "created the calendar 'Relationship CRM'" in result.err
    assert "no system keyring" in result.err
    assert list(collections(radicale, user, "calendar")) == ["Relationship CRM"]
    assert list(collections(radicale, user, "addressbook")) == ["Relationship CRM"]
    status = cli("sync", "status", "--format", "json").json()
    assert status["configured"] is True and status["username"] == user
    assert status["calendar_url"].startswith(f"{radicale.url}/{user}/relationship-crm-")
    assert status["password_saved"] is False
    # The password is nowhere in the database file.
    with closing(sqlite3.connect(db_path)) as raw:
        raw.execute("PRAGMA wal_checkpoint(FULL)")
    assert PASSWORD.encode() not in db_path.read_bytes()
    # Setting up again finds the same collections rather than making new ones.
    again = cli("sync", "setup", "--url", radicale.url + "/" + user + "/", "--username", user)
    assert again.code == 0 and "created" not in again.err
    assert cli("sync", "status", "--format", "json").json() == {
        **status,
        "url": f"{radicale.url}/{user}/",
    }
    assert len(collections(radicale, user, "calendar")) == 1


def test_setup_uses_an_existing_calendar_by_name(cli, radicale, user, sync_env):
    made = requests.request(
        "MKCALENDAR",
        f"{radicale.url}/{user}/work/",
        auth=(user, PASSWORD),
        timeout=30,
        data='<?xml version="1.0"?><c:mkcalendar xmlns:d="DAV:" '
        'xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><d:displayname>Work'
        "</d:displayname></d:prop></d:set></c:mkcalendar>",
    )
    assert made.status_code == 201
    result = cli("sync", "setup", "--url", radicale.url, "--username", user, "--calendar", "Work")
    assert result.code == 0, result.err
    assert cli("sync", "status", "--format", "json").json()["calendar_url"] == (
        f"{radicale.url}/{user}/work/"
    )


def test_password_from_stdin(cli, radicale, user, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("RELATIONSHIP_CRM_SYNC_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    result = cli("sync", "setup", "--url", radicale.url, "--username", user, "--password-stdin")
    assert result.code == 0, result.err
    missing = cli("sync", "run")
    assert missing.code == 1
    assert missing.err.count("\n") == 1 and "--password-stdin" in missing.err


def test_the_password_goes_to_a_real_keyring(cli, radicale, user, monkeypatch, memory_keyring):
    monkeypatch.setenv("RELATIONSHIP_CRM_SYNC_PASSWORD", PASSWORD)
    assert cli("sync", "setup", "--url", radicale.url, "--username", user).code == 0
    assert list(memory_keyring.values()) == [PASSWORD]
    assert cli("sync", "status", "--format", "json").json()["password_saved"] is True
    monkeypatch.delenv("RELATIONSHIP_CRM_SYNC_PASSWORD")
    ran = cli("sync", "run", "--format", "json")
    assert ran.code == 0, ran.err
    forgot = cli("sync", "forget")
    assert forgot.code == 0 and memory_keyring == {}
    assert cli("sync", "status", "--format", "json").json() == {"configured": False}


def one_line_error(result) -> str:
    assert result.code == 1, (result.out, result.err)
    assert result.err.count("\n") == 1 and "Traceback" not in result.err, result.err
    return result.err


def test_wrong_password(cli, radicale, user, monkeypatch):
    monkeypatch.setenv("RELATIONSHIP_CRM_SYNC_PASSWORD", "wrong")
    err = one_line_error(cli("sync", "setup", "--url", radicale.url, "--username", user))
    assert "refused the username or password" in err
    assert cli("sync", "status", "--format", "json").json() == {"configured": False}


def test_missing_collection(cli, radicale, user, sync_env):
    err = one_line_error(
        cli("sync", "setup", "--url", radicale.url, "--username", user, "--calendar", "Nope")
    )
    assert "no calendar named 'Nope'" in err and "--create" in err
    made = cli(
        "sync",
        "setup",
        "--url",
        radicale.url,
        "--username",
        user,
        "--calendar",
        "Nope",
        "--create",
    )
    assert made.code == 0, made.err
    assert "Nope" in collections(radicale, user, "calendar")


def test_calendar_removed_from_the_server(cli, radicale, user, sync_env):
    assert cli("sync", "setup", "--url", radicale.url, "--username", user).code == 0
    calendar = cli("sync", "status", "--format", "json").json()["calendar_url"]
    assert requests.delete(calendar, auth=(user, PASSWORD), timeout=30).status_code in (200, 204)
    err = one_line_error(cli("sync", "run"))
    assert "no longer on the server" in err
    assert cli("sync", "status", "--format", "json").json()["last_error"] in err


def test_unreachable_server(cli, sync_env):
    from radicale_server import free_port as _free_port

    port = _free_port()  # nothing listens there
    err = one_line_error(
        cli("sync", "setup", "--url", f"http://127.0.0.1:{port}", "--username", "rep")
    )
    assert f"cannot reach the server 127.0.0.1:{port}" in err


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://cloud.example.com/dav", "refusing plain http://"),
        ("ftp://example.com", "must be an https:// URL"),
        ("not a url", "must be an https:// URL"),
    ],
)
def test_plain_http_is_refused_except_to_this_machine(cli, sync_env, url, said):
    assert said in one_line_error(cli("sync", "setup", "--url", url, "--username", "rep"))


def test_status_and_run_without_an_account(cli):
    assert cli("sync", "status").out == "Sync is not set up.\n"
    assert "sync setup" in one_line_error(cli("sync", "run"))
    assert cli("sync", "forget").code == 0


def test_offline_at_sync_time_is_one_line_and_kept_in_the_status(
    cli, radicale, user, sync_env, db_path
):
    from radicale_server import free_port as _free_port

    from relationship_crm.storage.db import open_database
    from relationship_crm.storage.schema import SyncAccount

    assert cli("sync", "setup", "--url", radicale.url, "--username", user).code == 0
    assert cli("sync", "run").code == 0
    port = _free_port()  # as if the server went away (nothing listens there)
    db = open_database(db_path)
    try:
        with db.write() as s:
            row = s.get(SyncAccount, 1)
            row.calendar_url = f"http://127.0.0.1:{port}/{user}/calendar/"
    finally:
        db.close()
    err = one_line_error(cli("sync", "run"))
    assert f"cannot reach the server 127.0.0.1:{port} (connection refused)" in err
    status = cli("sync", "status", "--format", "json").json()
    assert status["last_error"] in err and status["last_sync_at"] is not None


def test_address_book_home_found_through_the_well_known_carddav_address(radicale, user):
    from relationship_crm.sync.account import card_homes_via_well_known
    from relationship_crm.sync.dav import DavClient

    with DavClient(user, PASSWORD) as client:
        assert card_homes_via_well_known(client, radicale.url + "/some/where") == [
            f"{radicale.url}/{user}/"
        ]


def test_address_book_removed_from_the_server(cli, radicale, user, sync_env):
    assert cli("sync", "setup", "--url", radicale.url, "--username", user).code == 0
    book = cli("sync", "status", "--format", "json").json()["address_book_url"]
    assert requests.delete(book, auth=(user, PASSWORD), timeout=30).status_code in (200, 204)
    err = one_line_error(cli("sync", "run"))
    assert "the address book" in err and "no longer on the server" in err


def test_a_password_changed_on_the_server_is_one_line_at_sync_time(
    cli, radicale, user, sync_env, monkeypatch
):
    assert cli("sync", "setup", "--url", radicale.url, "--username", user).code == 0
    monkeypatch.setenv("RELATIONSHIP_CRM_SYNC_PASSWORD", "changed-since")
    err = one_line_error(cli("sync", "run"))
    assert "refused the username or password" in err
    assert cli("sync", "status", "--format", "json").json()["last_error"] in err
