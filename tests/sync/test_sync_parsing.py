"""The sync client's parsers take anything a server or a rep sends: one clear line or a value."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relationship_crm.domain.errors import KnownError
from relationship_crm.sync.dav import check_url, parse_multistatus

pytestmark = pytest.mark.timeout(120)

MULTISTATUS = b"""<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:"><d:response><d:href>/rep/cal/</d:href>
<d:propstat><d:prop><d:displayname>Work</d:displayname></d:prop>
<d:status>HTTP/1.1 200 OK</d:status></d:propstat>
<d:propstat><d:prop><d:getetag/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>
</d:response></d:multistatus>"""


def test_a_multistatus_keeps_the_properties_found():
    (found,) = parse_multistatus(MULTISTATUS, "https://dav.example.com/rep/")
    assert found.url == "https://dav.example.com/rep/cal/"
    assert found.text("{DAV:}displayname") == "Work"
    assert "{DAV:}getetag" not in found.props


@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_server_answer_is_read_or_refused_in_one_line(data):
    try:
        parse_multistatus(data, "https://dav.example.com/")
    except KnownError as exc:
        assert "\n" not in str(exc)


@given(st.text(max_size=200))
def test_any_address_is_accepted_or_refused_in_one_line(text):
    try:
        url = check_url(text)
    except KnownError as exc:
        assert "\n" not in str(exc).replace(repr(text), "")
    else:
        assert url.startswith(("https://", "http://"))
        assert url.startswith("https://") or any(
            host in url for host in ("localhost", "127.0.0.1", "::1")
        )


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:5232/",
        "http://127.0.0.1/dav",
        "http://[::1]:8080/",
        "https://cloud.example.com/remote.php/dav",
    ],
)
def test_https_or_this_machine(url):
    assert check_url(url) == url


@pytest.mark.parametrize(
    "url", ["http://localhost.evil.com/", "http://127.0.0.2.nip.io/", "http://192.168.1.5/"]
)
def test_plain_http_elsewhere_is_refused(url):
    with pytest.raises(KnownError, match="refusing plain http"):
        check_url(url)


@pytest.mark.parametrize("url", ["http://[", "https://[::1", "https://", "http:///path"])
def test_malformed_addresses_are_refused(url):
    with pytest.raises(KnownError, match="must be an https:// URL"):
        check_url(url)
