import io

import pytest

from workstation import cli
from workstation.browser.flags import chromium_flags
from workstation.errors import InputError


def test_browser_is_pointed_at_the_gate_with_no_bypass() -> None:
    flags = chromium_flags(4711, headless=False)
    assert "--proxy-server=http://127.0.0.1:4711" in flags
    assert "--proxy-bypass-list=<-loopback>" in flags
    assert "--force-webrtc-ip-handling-policy=disable_non_proxied_udp" in flags
    assert "--disable-background-networking" in flags
    assert not any(
        f.startswith(("--no-proxy-server", "--proxy-pac-url", "--proxy-auto-detect")) for f in flags
    )
    assert "--disable-gpu" not in flags
    assert "--disable-gpu" in chromium_flags(4711, headless=True)


def test_help_lists_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for command in ("gui", "case", "capture", "verify"):
        assert command in out


def test_passphrase_comes_from_stdin_when_it_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret with spaces \nsecond line\n"))
    assert cli.read_passphrase("x") == "s3cret with spaces "


def test_empty_stdin_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(InputError, match="No passphrase"):
        cli.read_passphrase("x")


def test_errors_reach_the_officer_as_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("whatever\n"))
    code = cli.main(["verify", "/nonexistent/case"])
    assert code == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def test_route_for_the_gui_can_come_before_or_after_the_subcommand() -> None:
    parser = cli.build_parser()
    assert parser.parse_args(["--route", "socks5://127.0.0.1:1"]).route == "socks5://127.0.0.1:1"
    assert parser.parse_args(["gui", "--route", "socks5://h:2"]).route == "socks5://h:2"
    assert parser.parse_args([]).route is None
