"""The IANA RDAP bootstrap registries (RFC 9224): which RDAP server answers for what.

Four files, shipped in resources/rdap/ and replaceable by a newer copy: dns.json (top-level
domains), ipv4.json and ipv6.json (address blocks), asn.json (AS number ranges). Each holds
"services": [[entries, base URLs], ...]. A unit can point the workstation at its own folder
of the same four files (LookupContext.rdap_bootstrap, `--rdap-bootstrap`), and
update_bootstrap() fetches fresh copies from IANA through the route.
"""

import ipaddress
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workstation import paths
from workstation.errors import LookupFailed
from workstation.lookup.context import LookupContext
from workstation.lookup.fetch import fetch
from workstation.lookup.result import Exchange

BOOTSTRAP_FILES = ("dns.json", "ipv4.json", "ipv6.json", "asn.json")
IANA_BOOTSTRAP_URL = "https://data.iana.org/rdap/"
MAX_BOOTSTRAP_BYTES = 4 * 1024 * 1024


class BootstrapError(LookupFailed):
    """A bootstrap file is missing, unreadable or not in the IANA format."""


@dataclass(frozen=True)
class Service:
    entries: tuple[str, ...]
    urls: tuple[str, ...]


@dataclass(frozen=True)
class Registry:
    name: str
    publication: str | None
    services: tuple[Service, ...]


def default_folder() -> Path:
    return paths.resource_path("rdap")


def folder_for(context: LookupContext) -> Path:
    return context.rdap_bootstrap if context.rdap_bootstrap is not None else default_folder()


_cache: dict[tuple[Path, int, int], Registry] = {}
_cache_lock = threading.Lock()


def load_registry(folder: Path, name: str) -> Registry:
    """One bootstrap file, parsed (and cached until the file changes)."""
    path = folder / name
    try:
        stat = path.stat()
    except OSError:
        raise BootstrapError(
            f"The RDAP bootstrap file {path} is missing; update the bootstrap files or point "
            "the workstation at a folder holding dns.json, ipv4.json, ipv6.json and asn.json."
        ) from None
    key = (path, stat.st_mtime_ns, stat.st_size)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    registry = parse_registry(name, path.read_bytes())
    with _cache_lock:
        _cache[key] = registry
    return registry


def parse_registry(name: str, raw: bytes) -> Registry:
    """A bootstrap file's services; BootstrapError unless it has the IANA shape."""
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise BootstrapError(f"The RDAP bootstrap file {name} is not valid JSON.") from None
    services = document.get("services") if isinstance(document, dict) else None
    if not isinstance(services, list):
        raise BootstrapError(f"The RDAP bootstrap file {name} has no list of services.")
    parsed = tuple(service for item in services if (service := _service(item)) is not None)
    if not parsed:
        raise BootstrapError(f"The RDAP bootstrap file {name} lists no usable service.")
    publication = document.get("publication")
    return Registry(name, publication if isinstance(publication, str) else None, parsed)


def _service(item: Any) -> Service | None:
    if not (isinstance(item, list) and len(item) >= 2):
        return None
    entries, urls = item[0], item[1]
    if not (isinstance(entries, list) and isinstance(urls, list)):
        return None
    clean_entries = tuple(e.strip().lower() for e in entries if isinstance(e, str) and e.strip())
    clean_urls = tuple(
        u for u in urls if isinstance(u, str) and u.startswith(("https://", "http://"))
    )
    if not clean_entries or not clean_urls:
        return None
    return Service(clean_entries, clean_urls)


def preferred_url(urls: tuple[str, ...]) -> str:
    """HTTPS if offered (RFC 9224 section 3), with the trailing slash base URLs need."""
    chosen = next((url for url in urls if url.startswith("https://")), urls[0])
    return chosen if chosen.endswith("/") else chosen + "/"


def base_url_for_domain(folder: Path, domain: str) -> str | None:
    """The RDAP base URL for the longest label suffix of domain the registry lists."""
    registry = load_registry(folder, "dns.json")
    labels = domain.lower().rstrip(".").split(".")
    for start in range(len(labels)):
        suffix = ".".join(labels[start:])
        for service in registry.services:
            if suffix in service.entries:
                return preferred_url(service.urls)
    return None


def base_url_for_ip(
    folder: Path, address: ipaddress.IPv4Address | ipaddress.IPv6Address
) -> str | None:
    """The RDAP base URL of the most specific listed block holding address."""
    registry = load_registry(folder, "ipv4.json" if address.version == 4 else "ipv6.json")
    best: tuple[int, str] | None = None
    for service in registry.services:
        for entry in service.entries:
            try:
                network = ipaddress.ip_network(entry, strict=False)
            except ValueError:
                continue
            more_specific = best is None or network.prefixlen > best[0]
            if network.version == address.version and address in network and more_specific:
                best = (network.prefixlen, preferred_url(service.urls))
    return best[1] if best else None


def base_url_for_asn(folder: Path, number: int) -> str | None:
    registry = load_registry(folder, "asn.json")
    for service in registry.services:
        for entry in service.entries:
            low, _, high = entry.partition("-")
            try:
                first, last = int(low), int(high or low)
            except ValueError:
                continue
            if first <= number <= last:
                return preferred_url(service.urls)
    return None


@dataclass(frozen=True)
class BootstrapUpdate:
    folder: Path
    publications: dict[str, str | None]  # file name -> its "publication" date
    exchanges: tuple[Exchange, ...]


def update_bootstrap(
    context: LookupContext, folder: Path, source: str = IANA_BOOTSTRAP_URL
) -> BootstrapUpdate:
    """Fetch the four bootstrap files from source through the route and replace the
    copies in folder, but only once all four arrived and parsed: never a mixed set."""
    base = source if source.endswith("/") else source + "/"
    fetched: dict[str, bytes] = {}
    publications: dict[str, str | None] = {}
    exchanges: list[Exchange] = []
    for name in BOOTSTRAP_FILES:
        context.check_cancelled()
        answer = fetch(base + name, context, headers=(("Accept", "application/json"),))
        exchanges.append(answer.exchange)
        if answer.status != 200:
            raise BootstrapError(
                f"{base + name} answered HTTP {answer.status}; nothing was replaced."
            )
        if len(answer.body) > MAX_BOOTSTRAP_BYTES:
            raise BootstrapError(f"{base + name} is larger than a bootstrap file can be.")
        publications[name] = parse_registry(name, answer.body).publication
        fetched[name] = answer.body
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in fetched.items():
        _replace_file(folder / name, body)
    return BootstrapUpdate(folder, publications, tuple(exchanges))


def _replace_file(path: Path, body: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
