"""The route out as the officer configures it: which proxy, and how to log in to it."""

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote, unquote_to_bytes

from workstation.errors import InputError
from workstation.route.hosts import check_host, join_host_port, split_host_port

USAGE = "Use socks5://HOST:PORT."
_LOGIN_USAGE = "Use socks5://USER:PASSWORD@HOST:PORT."
# socks5h is what curl & co. call "resolve names at the proxy"; we always do, so both mean the same.
_SCHEMES = ("socks5", "socks5h")
_MAX_CREDENTIAL_BYTES = 255  # RFC 1929: one length byte each
_SHOWN_LENGTH = 60


@dataclass(frozen=True)
class RouteSpec:
    """A SOCKS5 proxy, optionally with an RFC 1929 user name and password.

    Always valid once constructed; the password never appears in repr() or describe().
    """

    kind: Literal["socks5"]
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.kind != "socks5":
            raise InputError(f"Unsupported route kind '{_shown(str(self.kind))}'. {USAGE}")
        try:
            check_host(self.host)
        except ValueError as exc:
            raise InputError(f"Cannot use the proxy host '{_shown(self.host)}': {exc}.") from None
        if isinstance(self.port, bool) or not isinstance(self.port, int):
            raise InputError(f"The proxy port must be a number from 1 to 65535. {USAGE}")
        if not 1 <= self.port <= 65535:
            raise InputError(f"The proxy port {self.port} is not between 1 and 65535. {USAGE}")
        _check_credentials(self.username, self.password)

    @property
    def address(self) -> str:
        return join_host_port(self.host, self.port)

    def describe(self) -> str:
        """What to show the officer, e.g. "SOCKS5 proxy 127.0.0.1:1080"."""
        login = f" (user {self.username})" if self.username is not None else ""
        return f"SOCKS5 proxy {self.address}{login}"

    def to_url(self, redact: bool = True) -> str:
        """socks5h://[user:password@]host:port; the password is "***" unless redact is False.

        socks5h rather than socks5: other tools read the bare scheme as "resolve names
        locally", which would leak DNS if this URL were ever handed to them.
        """
        login = ""
        if self.username is not None and self.password is not None:
            password = "***" if redact else quote(self.password, safe="")
            login = f"{quote(self.username, safe='')}:{password}@"
        return f"socks5h://{login}{self.address}"


def parse_route(text: str) -> RouteSpec:
    """Parse socks5://[user:password@]host:port (or socks5h://...); InputError otherwise."""
    stripped = text.strip()
    if not stripped:
        raise InputError(f"No route given. {USAGE}")
    scheme, sep, rest = stripped.partition("://")
    if not sep or scheme.lower() not in _SCHEMES:
        raise InputError(f"Unsupported route '{_shown(stripped)}'. {USAGE}")
    rest = rest.removesuffix("/")
    if any(char in rest for char in "?#"):
        raise InputError(f"The route '{_shown(stripped)}' has extra parts after the port. {USAGE}")
    userinfo, at, hostport = rest.rpartition("@")
    try:
        host, port = split_host_port(hostport)
    except ValueError as exc:
        raise InputError(f"Cannot use the route '{_shown(stripped)}': {exc}. {USAGE}") from None
    username, password = _parse_userinfo(userinfo) if at else (None, None)
    return RouteSpec("socks5", host, port, username, password)


def _parse_userinfo(userinfo: str) -> tuple[str, str]:
    raw_user, colon, raw_password = userinfo.partition(":")
    if not colon:
        raise InputError(f"The route names a user but no password. {_LOGIN_USAGE}")
    return _decode_credential(raw_user), _decode_credential(raw_password)


def _decode_credential(raw: str) -> str:
    try:
        return unquote_to_bytes(raw).decode("utf-8")
    except UnicodeError:
        raise InputError(
            "The user name or password is not valid text after %-decoding. "
            "Write special characters as %XX of their UTF-8 bytes."
        ) from None


def _check_credentials(username: str | None, password: str | None) -> None:
    if username is None and password is None:
        return
    if username is None or password is None:
        raise InputError(f"Give both a user name and a password, or neither. {_LOGIN_USAGE}")
    for what, value in (("user name", username), ("password", password)):
        try:
            size = len(value.encode("utf-8"))
        except UnicodeError:
            raise InputError(f"The {what} is not valid text.") from None
        if not 1 <= size <= _MAX_CREDENTIAL_BYTES:
            raise InputError(
                f"The {what} must be 1 to {_MAX_CREDENTIAL_BYTES} bytes long. {_LOGIN_USAGE}"
            )


def _shown(text: str) -> str:
    """Echo what the officer typed, minus any password, short and printable."""
    if "@" in text:
        scheme, sep, _ = text.partition("://")
        prefix = f"{scheme}://" if sep else ""
        text = f"{prefix}***@{text.rpartition('@')[2]}"
    text = "".join(char if char.isprintable() else "?" for char in text)
    if len(text) > _SHOWN_LENGTH:
        text = text[: _SHOWN_LENGTH - 1] + "…"
    return text
