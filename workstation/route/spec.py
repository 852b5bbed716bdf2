"""The route out as the officer configures it: managed Tor, or a proxy, or a proxy via Tor."""

from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import quote, unquote_to_bytes

from workstation.errors import InputError
from workstation.route.hosts import check_host, join_host_port, split_host_port

RouteKind = Literal["tor", "socks5", "http"]
DEFAULT_ROUTE = "tor"  # the managed Tor: the route when nobody chose another

USAGE = (
    "Use tor, socks5://HOST:PORT or http://HOST:PORT "
    "(tor+socks5://... or tor+http://... to reach the proxy through Tor)."
)
# socks5h is what curl & co. call "resolve names at the proxy"; we always do, so both mean the same.
_SCHEMES: dict[str, RouteKind] = {"socks5": "socks5", "socks5h": "socks5", "http": "http"}
_CHAIN_PREFIX = "tor+"
_KIND_NAMES = {"socks5": "SOCKS5 proxy", "http": "HTTP proxy"}
_URL_SCHEMES = {"socks5": "socks5h", "http": "http"}
_MAX_CREDENTIAL_BYTES = 255  # RFC 1929: one length byte each
_SHOWN_LENGTH = 60


@dataclass(frozen=True)
class TorOptions:
    """How the managed tor runs: which program, and torrc lines added to the app's own.

    Extra lines are how a unit adds bridges and how tests point tor at a private network;
    they are kept out of repr() because bridge addresses are worth keeping quiet.
    """

    binary: str | None = None
    extra_config: tuple[str, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if self.binary is not None and (not isinstance(self.binary, str) or not self.binary):
            raise InputError("The tor program's path is empty.")
        if not isinstance(self.extra_config, tuple):
            raise InputError("Extra torrc lines must be given as a tuple of lines.")
        for line in self.extra_config:
            if not isinstance(line, str) or any(char in line for char in "\r\n\x00"):
                raise InputError("An extra torrc line is not a single line of text.")

    def describe(self) -> str:
        parts = [f"tor program {self.binary}"] if self.binary else []
        if self.extra_config:
            parts.append(f"{len(self.extra_config)} extra torrc lines")
        return f" ({', '.join(parts)})" if parts else ""


@dataclass(frozen=True)
class RouteSpec:
    """Managed Tor, a SOCKS5 or HTTP CONNECT proxy, or such a proxy reached through Tor.

    Always valid once constructed; the password never appears in repr() or describe().
    Tor routes leave host and port empty; `tor` carries how to run the managed tor.
    """

    kind: RouteKind
    host: str = ""
    port: int = 0
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    via_tor: bool = False
    tor: TorOptions = TorOptions()

    def __post_init__(self) -> None:
        if self.kind not in ("tor", "socks5", "http"):
            raise InputError(f"Unsupported route kind '{_shown(str(self.kind))}'. {USAGE}")
        if not isinstance(self.via_tor, bool) or not isinstance(self.tor, TorOptions):
            raise InputError(f"The route is not valid. {USAGE}")
        if self.kind == "tor":
            _check_tor_only(self)
        else:
            _check_proxy(self)
        if self.tor != TorOptions() and not self.uses_tor:
            raise InputError("Tor options (--tor-binary, --tor-config) apply to Tor routes only.")

    @property
    def uses_tor(self) -> bool:
        """True when the route needs the managed tor (Tor itself, or a proxy reached via Tor)."""
        return self.kind == "tor" or self.via_tor

    @property
    def address(self) -> str:
        return join_host_port(self.host, self.port) if self.kind != "tor" else ""

    def with_tor_options(self, options: TorOptions) -> "RouteSpec":
        """This route with how to run its tor; InputError for routes that use no Tor."""
        return replace(self, tor=options)

    def without_tor(self) -> "RouteSpec":
        """The proxy part of a proxy-via-Tor route, as a direct route to that proxy."""
        if self.kind == "tor":
            raise InputError("A Tor route has no proxy part.")
        return replace(self, via_tor=False, tor=TorOptions())

    def describe(self) -> str:
        """What to show the officer, e.g. "SOCKS5 proxy 127.0.0.1:1080" or "Tor (managed)"."""
        if self.kind == "tor":
            return f"Tor (managed){self.tor.describe()}"
        login = f" (user {self.username})" if self.username is not None else ""
        proxy = f"{_KIND_NAMES[self.kind]} {self.address}{login}"
        return f"{proxy} via Tor (managed){self.tor.describe()}" if self.via_tor else proxy

    def to_url(self, redact: bool = True) -> str:
        """The route as text parse_route() reads back; the password is "***" unless redact is False.

        SOCKS5 is written socks5h: other tools read the bare scheme as "resolve names
        locally", which would leak DNS if this URL were ever handed to them. How the
        managed tor runs (TorOptions) is configuration, not part of the URL.
        """
        if self.kind == "tor":
            return "tor"
        login = ""
        if self.username is not None and self.password is not None:
            password = "***" if redact else quote(self.password, safe="")
            login = f"{quote(self.username, safe='')}:{password}@"
        chain = _CHAIN_PREFIX if self.via_tor else ""
        return f"{chain}{_URL_SCHEMES[self.kind]}://{login}{self.address}"


def parse_route(text: str) -> RouteSpec:
    """Parse "tor", socks5://, http:// or tor+ either of them; InputError for anything else."""
    stripped = text.strip()
    if not stripped:
        raise InputError(f"No route given. {USAGE}")
    if stripped.lower() == "tor":
        return RouteSpec("tor")
    raw_scheme, sep, rest = stripped.partition("://")
    scheme = raw_scheme.lower()
    via_tor = scheme.startswith(_CHAIN_PREFIX)
    kind = _SCHEMES.get(scheme.removeprefix(_CHAIN_PREFIX))
    if not sep or kind is None:
        raise InputError(f"Unsupported route '{_shown(stripped)}'. {USAGE}")
    rest = rest.removesuffix("/")
    if any(char in rest for char in "?#"):
        raise InputError(f"The route '{_shown(stripped)}' has extra parts after the port. {USAGE}")
    userinfo, at, hostport = rest.rpartition("@")
    try:
        host, port = split_host_port(hostport)
    except ValueError as exc:
        raise InputError(f"Cannot use the route '{_shown(stripped)}': {exc}. {USAGE}") from None
    username, password = _parse_userinfo(userinfo, scheme) if at else (None, None)
    return RouteSpec(kind, host, port, username, password, via_tor=via_tor)


def _check_tor_only(spec: RouteSpec) -> None:
    if spec.host or spec.port or spec.username is not None or spec.password is not None:
        raise InputError("The managed Tor route takes no host, port or login. Use tor.")
    if spec.via_tor:
        raise InputError("Tor cannot be reached through Tor. Use tor.")


def _check_proxy(spec: RouteSpec) -> None:
    usage = f"Use {_URL_SCHEMES[spec.kind]}://HOST:PORT."
    try:
        check_host(spec.host)
    except ValueError as exc:
        raise InputError(f"Cannot use the proxy host '{_shown(spec.host)}': {exc}.") from None
    if isinstance(spec.port, bool) or not isinstance(spec.port, int):
        raise InputError(f"The proxy port must be a number from 1 to 65535. {usage}")
    if not 1 <= spec.port <= 65535:
        raise InputError(f"The proxy port {spec.port} is not between 1 and 65535. {usage}")
    _check_credentials(spec.kind, spec.username, spec.password)


def _parse_userinfo(userinfo: str, scheme: str) -> tuple[str, str]:
    raw_user, colon, raw_password = userinfo.partition(":")
    if not colon:
        raise InputError(f"The route names a user but no password. {_login_usage(scheme)}")
    return _decode_credential(raw_user), _decode_credential(raw_password)


def _decode_credential(raw: str) -> str:
    try:
        return unquote_to_bytes(raw).decode("utf-8")
    except UnicodeError:
        raise InputError(
            "The user name or password is not valid text after %-decoding. "
            "Write special characters as %XX of their UTF-8 bytes."
        ) from None


def _check_credentials(kind: RouteKind, username: str | None, password: str | None) -> None:
    usage = _login_usage(_URL_SCHEMES[kind])
    if username is None and password is None:
        return
    if username is None or password is None:
        raise InputError(f"Give both a user name and a password, or neither. {usage}")
    for what, value in (("user name", username), ("password", password)):
        try:
            size = len(value.encode("utf-8"))
        except UnicodeError:
            raise InputError(f"The {what} is not valid text.") from None
        if not 1 <= size <= _MAX_CREDENTIAL_BYTES:
            raise InputError(f"The {what} must be 1 to {_MAX_CREDENTIAL_BYTES} bytes long. {usage}")
    # HTTP Basic joins them with a colon, so the user name cannot hold one (RFC 7617).
    if kind == "http" and ":" in username:
        raise InputError("An HTTP proxy's user name cannot contain ':'.")


def _login_usage(scheme: str) -> str:
    return f"Use {scheme}://USER:PASSWORD@HOST:PORT."


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
