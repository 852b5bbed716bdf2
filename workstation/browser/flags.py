"""Chromium command-line flags, kept in one table so each one's reason is visible.

QtWebEngine reads these once, when the first web engine object is created, so
they are fixed for the life of the process. The proxy always points at the
local route gate; switching routes happens in the gate, never here.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Flag:
    name: str
    value: str | None
    why: str

    def argument(self) -> str:
        return self.name if self.value is None else f"{self.name}={self.value}"


def _route_flags(gate_port: int) -> list[Flag]:
    return [
        Flag(
            "--proxy-server",
            f"http://127.0.0.1:{gate_port}",
            "every request goes to the route gate",
        ),
        Flag("--proxy-bypass-list", "<-loopback>", "loopback goes through the gate too"),
        Flag(
            "--force-webrtc-ip-handling-policy",
            "disable_non_proxied_udp",
            "WebRTC may not send UDP around the proxy or reveal local addresses",
        ),
        Flag("--disable-quic", None, "QUIC is UDP and could bypass the proxy"),
    ]


_QUIET_FLAGS = [
    Flag("--disable-background-networking", None, "no update, safe-browsing or metrics traffic"),
    Flag("--disable-component-update", None, "no component downloads"),
    Flag("--disable-domain-reliability", None, "no reliability beacons"),
    Flag("--disable-sync", None, "no account sync"),
    Flag("--no-pings", None, "no hyperlink auditing pings"),
    Flag("--dns-prefetch-disable", None, "no speculative name lookups"),
    Flag("--disable-breakpad", None, "no crash dumps on disk"),
    Flag("--disable-gpu-shader-disk-cache", None, "nothing cached on disk"),
    Flag("--no-first-run", None, "no first-run work"),
]

_HEADLESS_FLAGS = [
    Flag("--disable-gpu", None, "offscreen rendering has no GPU; skip the probe"),
]


def _recording_flags(spki_pin: str | None) -> list[Flag]:
    if spki_pin is None:
        return []
    return [
        Flag(
            "--ignore-certificate-errors-spki-list",
            spki_pin,
            "trust the gate's interception CA (this process only); the gate itself "
            "validates every origin's certificate and refuses invalid ones",
        )
    ]


def chromium_flags(gate_port: int, *, headless: bool, spki_pin: str | None = None) -> list[str]:
    """The Chromium arguments for a process whose gate listens on gate_port.

    spki_pin: the interception CA's key pin, when the gate records (intercepts TLS).
    """
    table = (
        _route_flags(gate_port)
        + _recording_flags(spki_pin)
        + _QUIET_FLAGS
        + (_HEADLESS_FLAGS if headless else [])
    )
    return [flag.argument() for flag in table]
