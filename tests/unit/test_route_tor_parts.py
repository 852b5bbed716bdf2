"""The pure parts of the managed Tor: torrc, isolation credentials, bootstrap phases, echoes."""

import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.errors import DestinationUnreachable, InputError, RouteUnavailable
from workstation.route.exit_identity import (
    EchoAnswer,
    parse_echo_body,
    parse_echo_response,
    parse_echo_url,
)
from workstation.route.isolation import IsolationCredentials, label_for
from workstation.route.spec import TorOptions
from workstation.route.tor import ManagedTor, parse_bootstrap_phase
from workstation.route.torrc import (
    find_tor_binary,
    make_runtime_dir,
    read_tor_config,
    torrc_lines,
    write_torrc,
)

# ---- torrc ----


def test_torrc_keeps_tor_private_and_isolating(tmp_path: Path) -> None:
    bridges = ["UseBridges 1", "Bridge 192.0.2.1:443"]
    lines = torrc_lines(tmp_path, 4242, "/nonexistent/tor", bridges)
    assert f"DataDirectory {tmp_path}" in lines
    assert f"ControlSocket {tmp_path / 'control.sock'}" in lines
    assert "CookieAuthentication 1" in lines
    assert "SocksPort 127.0.0.1:auto IsolateSOCKSAuth" in lines
    assert "__OwningControllerProcess 4242" in lines
    assert not any(line.startswith("ControlPort") for line in lines), "no TCP control port"
    assert lines[-2:] == bridges, "a unit's lines come last"


def test_torrc_and_an_empty_defaults_file_are_written(tmp_path: Path) -> None:
    torrc = write_torrc(tmp_path, owner_pid=1, binary="/nonexistent/tor", extra=())
    assert torrc.read_text().startswith("# Written by the investigator workstation")
    assert (tmp_path / "torrc-defaults").read_text() == "", "/etc/tor/torrc-defaults stays unread"


def test_geoip_files_beside_the_tor_program_are_used(tmp_path: Path) -> None:
    for name in ("tor", "geoip", "geoip6"):
        (tmp_path / name).write_text("")
    lines = torrc_lines(tmp_path, 1, str(tmp_path / "tor"), [])
    assert f"GeoIPFile {tmp_path / 'geoip'}" in lines
    assert f"GeoIPv6File {tmp_path / 'geoip6'}" in lines


def test_runtime_dir_is_private_and_fresh(tmp_path: Path) -> None:
    first, second = make_runtime_dir(tmp_path), make_runtime_dir(tmp_path)
    assert first != second
    assert stat.S_IMODE(first.stat().st_mode) == 0o700


def test_runtime_dir_refuses_paths_torrc_cannot_hold(tmp_path: Path) -> None:
    spaced = tmp_path / "with space"
    spaced.mkdir()
    with pytest.raises(RouteUnavailable, match="spaces"):
        make_runtime_dir(spaced)


def test_extra_torrc_lines_are_read_without_comments(tmp_path: Path) -> None:
    config = tmp_path / "bridges.torrc"
    config.write_text("# bridges for unit 7\n\nUseBridges 1\n  Bridge 192.0.2.1:443  \n")
    assert read_tor_config(config) == ("UseBridges 1", "Bridge 192.0.2.1:443")


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "Cannot read"), (b"\xff\xfe", "not UTF-8"), (b"a\x00b", "not text")],
)
def test_unreadable_torrc_files_are_input_errors(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    config = tmp_path / "extra.torrc"
    if content is not None:
        config.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_tor_config(config)


def test_a_missing_tor_program_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(RouteUnavailable, match="does not exist"):
        find_tor_binary(str(tmp_path / "tor"))
    not_executable = tmp_path / "tor"
    not_executable.write_text("")
    with pytest.raises(RouteUnavailable, match="cannot be run"):
        find_tor_binary(str(not_executable))


def test_tor_is_found_on_path_or_in_sbin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    program = tmp_path / "tor"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o700)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_tor_binary(None) == str(program)


# ---- the ManagedTor object without a process ----


def test_an_unstarted_tor_reports_why_it_cannot_carry_traffic() -> None:
    tor = ManagedTor()
    with pytest.raises(RouteUnavailable, match="has not been started"):
        tor.wait_ready(0.01)
    with pytest.raises(RouteUnavailable, match="has not been started"):
        _ = tor.socks_port
    tor.stop()  # harmless
    assert tor.status.state == "stopped"


def test_a_missing_tor_program_fails_the_start(tmp_path: Path) -> None:
    tor = ManagedTor(TorOptions(binary=str(tmp_path / "no-tor")), runtime_dir=tmp_path)
    seen: list[str] = []
    tor.add_listener(lambda status: seen.append(status.state))
    tor.start()
    with pytest.raises(RouteUnavailable, match="does not exist"):
        tor.wait_ready(10)
    assert seen == ["starting", "failed"]
    with pytest.raises(RuntimeError):
        tor.start()
    tor.stop()
    assert seen[-1] == "stopped"


def test_a_tor_that_exits_at_once_fails_with_its_reason(tmp_path: Path) -> None:
    fake = tmp_path / "tor"
    fake.write_text(
        "#!/bin/sh\necho 'Nov 30 [warn] Failed to parse/validate config: nope'\nexit 1\n"
    )
    fake.chmod(0o700)
    tor = ManagedTor(TorOptions(binary=str(fake)), runtime_dir=tmp_path)
    tor.start()
    with pytest.raises(RouteUnavailable, match="Failed to parse/validate config: nope"):
        tor.wait_ready(10)
    data_dir = tor.data_dir
    tor.stop()
    assert data_dir is not None and not data_dir.exists(), "tor's state is removed"


# ---- bootstrap phases ----


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        (
            'NOTICE BOOTSTRAP PROGRESS=42 TAG=loading_descriptors SUMMARY="Loading relay '
            'descriptors"',
            (42, "Loading relay descriptors"),
        ),
        ('NOTICE BOOTSTRAP PROGRESS=100 TAG=done SUMMARY="Done"', (100, "Done")),
        (
            'WARN BOOTSTRAP PROGRESS=5 TAG=conn SUMMARY="Connecting" WARNING="Connection refused"',
            (5, "Connecting"),
        ),
        ("garbage", (0, "")),
        ("PROGRESS=x SUMMARY=", (0, "")),
    ],
)
def test_bootstrap_phase_is_parsed(phase: str, expected: tuple[int, str]) -> None:
    assert parse_bootstrap_phase(phase) == expected


@given(st.text(max_size=200))
def test_bootstrap_phase_parsing_never_fails(text: str) -> None:
    percent, _summary = parse_bootstrap_phase(text)
    assert 0 <= percent <= 100


# ---- isolation ----


def test_each_key_gets_its_own_login_until_renewed() -> None:
    credentials = IsolationCredentials()
    alice, bob, me = (credentials.for_key(k) for k in ("persona:alice", "persona:bob", None))
    assert len({alice, bob, me}) == 3
    assert credentials.for_key("persona:alice") == alice, "the same key keeps its circuit"
    credentials.renew("persona:alice")
    assert credentials.for_key("persona:alice") != alice
    assert credentials.for_key("persona:bob") == bob, "others keep theirs"
    assert alice[0] == "persona:alice:0" and me[0] == "workstation:0"


@given(st.text(max_size=300))
def test_labels_are_always_sendable_and_distinct(key: str) -> None:
    label = label_for(key)
    assert 0 < len(label.encode("utf-8")) <= 250
    assert label.isascii() and label.isprintable() and '"' not in label
    if label_for(key + "x") == label:
        raise AssertionError("two keys share a label")


# ---- address echoes ----


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8080/ip", ("127.0.0.1", 8080, "/ip", False)),
        ("https://echo.example", ("echo.example", 443, "/", True)),
        ("http://echo.example/?format=text", ("echo.example", 80, "/?format=text", False)),
    ],
)
def test_echo_urls_are_parsed(url: str, expected: tuple[str, int, str, bool]) -> None:
    echo = parse_echo_url(url)
    assert (echo.host, echo.port, echo.path, echo.tls) == expected


@pytest.mark.parametrize(
    "url", ["", "ftp://x/", "http://", "http://user:pw@x/", "http://x:99999/", "http://a b/"]
)
def test_bad_echo_urls_are_input_errors(url: str) -> None:
    with pytest.raises(InputError):
        parse_echo_url(url)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"203.0.113.7\n", EchoAnswer("203.0.113.7", None)),
        (b"2001:db8::1", EchoAnswer("2001:db8::1", None)),
        (b'{"ip": "203.0.113.7", "country": "de"}', EchoAnswer("203.0.113.7", "DE")),
        (b'{"origin": "198.51.100.2, 10.0.0.1"}', EchoAnswer("198.51.100.2", None)),
        (b'{"ip": "203.0.113.7", "country": "Germany"}', EchoAnswer("203.0.113.7", None)),
        (b"<html>hello</html>", None),
        (b"[1, 2]", None),
        (b"{broken", None),
        (b"", None),
    ],
)
def test_echo_bodies_yield_an_address_or_nothing(body: bytes, expected: EchoAnswer | None) -> None:
    assert parse_echo_body(body) == expected


def test_echo_responses_must_be_200_with_an_address() -> None:
    ok = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n203.0.113.7\n"
    assert parse_echo_response(ok, "u").address == "203.0.113.7"
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\n203.0\r\n6\r\n.113.7\r\n0\r\n\r\n"
    )
    assert parse_echo_response(chunked, "u").address == "203.0.113.7"
    with pytest.raises(DestinationUnreachable, match="status 404"):
        parse_echo_response(b"HTTP/1.0 404 Not Found\r\n\r\n", "u")
    with pytest.raises(DestinationUnreachable, match="did not answer an address"):
        parse_echo_response(b"HTTP/1.0 200 OK\r\n\r\nhello", "u")
