"""Links as input: real pages from a local HTTP server, and every limit of the fetcher.

The server listens on 127.0.0.1 only; the setting fetch_allowed_networks lets 127.0.0.1/32
through for these tests, as a deployment never would. Nothing reaches the internet.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cli.main import cli
from framing.errors import InputRefused
from framing.ingest import ingest
from framing.text.fetch import FetchPolicy, address_problem, fetch, fetch_input
from tests.page_server import page_server


@pytest.fixture(autouse=True)
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMING_FETCH_ALLOWED_NETWORKS", "127.0.0.1/32")
    monkeypatch.setenv("FRAMING_FETCH_TIMEOUT_SECONDS", "1.5")
    monkeypatch.setenv("FRAMING_FETCH_MAX_BYTES", "1000000")


def refusal(url: str) -> str:
    with pytest.raises(InputRefused) as caught:
        fetch(url)
    assert caught.value.source == url
    return caught.value.reason


def test_a_page_is_fetched_and_ingested_with_its_own_metadata(base: str, store) -> None:
    raw = fetch_input(f"{base}/news/ru.html")
    assert not isinstance(raw, InputRefused)
    assert raw.kind == "html" and raw.fetch["final_url"] == f"{base}/news/ru.html"
    [result] = ingest([raw], store)
    assert result.status == "added", result
    article = store.article(result.article_id)
    assert article["url"] == f"{base}/news/ru-canonical"  # the page's canonical URL
    assert article["date"] == "2024-11-07"  # the page's publication date
    assert article["outlet"] == "komentarii"  # the page's own site name (og:site_name)
    assert article["lang"] == "ru"
    assert article["text"].startswith("Россия допускает возможность контактов")
    assert "All rights reserved" not in article["text"]  # the page's footer is no article
    assert "Sport" not in article["text"]


def test_the_site_name_names_the_outlet(base: str, store) -> None:
    [result] = ingest([fetch_input(f"{base}/news/en.html")], store)
    article = store.article(result.article_id)
    assert (article["outlet"], article["url"]) == ("sputnik", f"{base}/news/en")


def test_a_canonical_url_on_another_site_is_not_believed(base: str, store) -> None:
    """The page at 127.0.0.1 claims to be https://tass.ru/…: its URL stays where it was
    fetched, so the publisher is not taken from a URL the page merely claims."""
    [result] = ingest([fetch_input(f"{base}/news/claims-tass.html")], store)
    article = store.article(result.article_id)
    assert article["url"] == f"{base}/news/claims-tass.html"
    assert article["outlet"] != "tass"


def test_redirects_are_followed_and_recorded(base: str) -> None:
    page = fetch(f"{base}/moved")
    assert page.final_url == f"{base}/news/ru.html"
    assert page.redirects == [f"{base}/news/ru.html"]


def test_the_charset_of_the_response_is_used(base: str) -> None:
    raw = fetch_input(f"{base}/news/cp1251.html")
    assert "Россия допускает" in raw.text


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        (
            "/to-private",
            "redirected to http://10.11.12.13/admin: 10.11.12.13 is a private address; links "
            "to private, loopback or link-local addresses are not fetched "
            "(setting fetch_allowed_networks)",
        ),
        (
            "/to-metadata",
            "redirected to http://169.254.169.254/latest/meta-data/: 169.254.169.254 is a "
            "link-local address;",
        ),
        ("/to-other-loopback", "127.0.0.2 is a loopback address;"),
        ("/loop", "more than 5 redirects"),
        ("/to-ftp", "only http and https links can be fetched, not ftp:"),
        ("/slow", "too slow: the page did not arrive in time"),
        ("/huge", "too large: more than 1,000,000 bytes"),
        ("/huge-declared", "too large: 52,428,800 bytes declared (at most 1,000,000)"),
        ("/bomb", "too large: more than 1,000,000 bytes once decompressed"),
        ("/photo.png", "not a web page: the server sent image/png"),
        ("/data.json", "not a web page: the server sent application/json"),
        ("/nowhere", "HTTP 404 Not Found"),
    ],
)
def test_refusals_name_the_reason(base: str, path: str, reason: str) -> None:
    assert reason in refusal(base + path)


def test_the_slow_page_is_cut_off_at_the_deadline(base: str) -> None:
    """The slow page sends a byte every 0.1 s for 6 s; the fetch gives up at 1.5 s, though
    no single read ever waits long (so a per-read timeout alone would not stop it)."""
    import time

    started = time.monotonic()
    refusal(f"{base}/slow")
    assert time.monotonic() - started < 4


def test_loopback_is_refused_unless_a_setting_allows_it(
    base: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FRAMING_FETCH_ALLOWED_NETWORKS")
    assert refusal(f"{base}/news/ru.html").startswith("127.0.0.1 is a loopback address;")
    # a name is checked after resolution: localhost is loopback too
    local = base.replace("127.0.0.1", "localhost")
    assert "localhost resolves to a loopback address" in refusal(f"{local}/news/ru.html")
    # the classic spellings of 127.0.0.1 that string checks miss resolve to it too
    for spelling in ("0x7f000001", "2130706433", "127.1", "[::ffff:127.0.0.1]"):
        reason = refusal(base.replace("127.0.0.1", spelling) + "/news/ru.html")
        assert "a loopback address" in reason, (spelling, reason)


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("10.0.0.5", "a private address"),
        ("192.168.1.1", "a private address"),
        ("172.16.0.1", "a private address"),
        ("127.0.0.1", "a loopback address"),
        ("169.254.169.254", "a link-local address"),
        ("::1", "a loopback address"),
        ("fe80::1", "a link-local address"),
        ("fd00::1", "a private address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("0.0.0.0", "an unspecified address"),
        ("100.64.0.1", "a non-public address"),
        ("224.0.0.1", "a multicast address"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_checks(address: str, problem: str | None) -> None:
    policy = FetchPolicy(timeout=1, max_bytes=1000, max_redirects=1)
    assert address_problem(ipaddress.ip_address(address), policy) == problem


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "only http and https links can be fetched, not file:"),
        ("http://user:secret@127.0.0.1/", "links with a user name or password are not fetched"),
        ("http:///nohost", "the link has no host name"),
        ("http://127.0.0.1:99999/", "not a valid link: Port out of range"),
    ],
)
def test_bad_links(url: str, reason: str) -> None:
    assert reason in refusal(url)


def test_bad_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from framing.errors import FramingError

    monkeypatch.setenv("FRAMING_FETCH_ALLOWED_NETWORKS", "localnet")
    with pytest.raises(FramingError, match="Setting fetch_allowed_networks: 'localnet'"):
        FetchPolicy.from_settings()


def test_cli_ingest_links_a_batch_goes_on_past_refusals(base: str, db_path: Path) -> None:
    runner = CliRunner()
    links = [f"{base}/news/ru.html", f"{base}/to-private", f"{base}/photo.png", f"{base}/moved"]
    result = runner.invoke(cli, ["ingest", *links, "--db", str(db_path), "-s"])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert [r["status"] for r in summary["results"]] == [
        "added",
        "refused",
        "refused",
        "unchanged",  # the same page again, through a redirect
    ]
    assert summary["results"][0]["fetched"]["final_url"] == links[0]
    assert summary["results"][3]["fetched"]["redirects"] == [links[0]]
    assert result.stderr.splitlines() == [
        f"refused {base}/to-private: redirected to http://10.11.12.13/admin: 10.11.12.13 is a "
        "private address; links to private, loopback or link-local addresses are not fetched "
        "(setting fetch_allowed_networks)",
        f"refused {base}/photo.png: not a web page: the server sent image/png (only HTML or "
        "plain-text pages are fetched)",
    ]
    again = runner.invoke(cli, ["ingest", links[0], "--db", str(db_path), "-s"])
    assert again.exit_code == 0
    assert json.loads(again.stdout)["unchanged"] == 1


def test_cli_ingest_a_page_without_article(base: str, db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", f"{base}/empty.html", "--db", str(db_path), "-s"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"refused {base}/empty.html: no article text left after removing site furniture "
        "(1 line removed)"
    )


def test_cli_compare_two_links(base: str, db_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["compare", f"{base}/news/ru.html", f"{base}/news/en.html", "--db", str(db_path)]
        + ["--no-phrases"],
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [a["lang"] for a in data["articles"]] == ["ru", "en"]
    assert any(len(claim) == 2 for claim in data["claims"])  # they share statements

    refused = CliRunner().invoke(
        cli, ["compare", f"{base}/news/ru.html", f"{base}/to-metadata", "--db", str(db_path)]
    )
    assert refused.exit_code == 1
    assert f"Error: {base}/to-metadata: redirected to http://169.254.169.254/" in refused.stderr


def test_certificates_are_verified(tmp_path: Path) -> None:
    """A page over TLS with a self-signed certificate is refused: the pinned connection
    still verifies the certificate against the host name."""
    import ssl
    import subprocess

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with page_server(tls=context) as base:
        assert base.startswith("https://")
        assert "TLS failed: CERTIFICATE_VERIFY_FAILED" in refusal(f"{base}/news/ru.html")


def test_a_changed_page_is_a_new_article_with_a_warning(base: str, store) -> None:
    """The same URL fetched after the page changed: a new text, so a new article, and the
    result says which stored article it updates."""
    from tests.page_server import PAGE_VERSIONS

    url = f"{base}/news/live.html"
    PAGE_VERSIONS["live"] = 0
    [first] = ingest([fetch_input(url)], store)
    PAGE_VERSIONS["live"] = 1
    [second] = ingest([fetch_input(url)], store)
    [third] = ingest([fetch_input(url)], store)
    assert (first.status, second.status, third.status) == ("added", "added", "unchanged")
    assert first.warning is None
    assert second.warning == (
        f"the page has changed since it was stored as article {first.article_id}; "
        "its new text is stored as a new article"
    )
