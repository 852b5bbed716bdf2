"""Reading RDAP JSON (RFC 9083): domains, IP networks, autnums and their entities.

The summary keeps what an officer needs (handle, names, status, dates, registrar and its
IANA ID, abuse contacts, registrant where published, name servers, network range and
country, AS range and name) in plain JSON types. Every access checks its type first: an
answer of any shape gives a summary or LookupFailed, nothing else.
"""

import json
from typing import Any

from workstation.errors import LookupFailed
from workstation.lookup.whois_dates import iso_date

MAX_ITEMS = 50
MAX_TEXT = 500
MAX_DEPTH = 6  # entities inside entities inside entities...

EVENT_KEYS = {
    "registration": "registration",
    "expiration": "expiration",
    "last changed": "last_changed",
    "last update of rdap database": "database_updated",
    "transfer": "last_transfer",
}


def load_rdap_json(body: bytes, source: str) -> dict[str, Any]:
    """The JSON object of an RDAP answer; LookupFailed if it is not one."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise LookupFailed(f"The RDAP answer from {source} is not valid JSON.") from None
    if not isinstance(document, dict):
        raise LookupFailed(f"The RDAP answer from {source} is not a JSON object.")
    return document


def summarize(document: dict[str, Any]) -> dict[str, Any]:
    """The officer's view of an RDAP object (canonical-JSON-safe)."""
    summary: dict[str, Any] = {
        "object_class": _text(document.get("objectClassName")),
        "handle": _text(document.get("handle")),
        "ldh_name": _lower(_text(document.get("ldhName"))),
        "unicode_name": _text(document.get("unicodeName")),
        "name": _text(document.get("name")),
        "type": _text(document.get("type")),
        "status": _strings(document.get("status")),
        "events": _events(document.get("events")),
        "port43": _text(document.get("port43")),
        "name_servers": _name_servers(document.get("nameservers")),
        "secure_dns": _secure_dns(document.get("secureDNS")),
        "related_links": related_links(document),
    }
    summary.update(_entity_roles(document.get("entities")))
    summary.update(_network(document))
    summary.update(_autnum(document))
    error = _error(document)
    if error:
        summary["error"] = error
    return {key: value for key, value in summary.items() if value not in (None, [], {}, "")}


def related_links(document: dict[str, Any]) -> list[str]:
    """RDAP links with rel "related" (a thin registry's pointer to the registrar's RDAP)."""
    links = document.get("links")
    found: list[str] = []
    if not isinstance(links, list):
        return found
    for link in links[:MAX_ITEMS]:
        if not isinstance(link, dict) or link.get("rel") != "related":
            continue
        href, kind = link.get("href"), link.get("type")
        if isinstance(href, str) and href.startswith(("https://", "http://")):
            clean = _text(href)
            if clean and kind in (None, "application/rdap+json") and clean not in found:
                found.append(clean)
    return found


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        # JSON may carry lone surrogates ("\\ud800"); they cannot be stored as UTF-8
        return value[:MAX_TEXT].encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    return None


def _lower(value: str | None) -> str | None:
    return value.lower() if value else None


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [text for item in value[:MAX_ITEMS] if (text := _text(item))]


def _events(value: Any) -> dict[str, str]:
    events: dict[str, str] = {}
    if not isinstance(value, list):
        return events
    for event in value[:MAX_ITEMS]:
        if not isinstance(event, dict):
            continue
        action, date = _text(event.get("eventAction")), _text(event.get("eventDate"))
        key = EVENT_KEYS.get(action.lower()) if action else None
        if key and date and key not in events:
            events[key] = iso_date(date) or date
    return events


def _name_servers(value: Any) -> list[str]:
    servers: list[str] = []
    if not isinstance(value, list):
        return servers
    for server in value[:MAX_ITEMS]:
        if isinstance(server, dict):
            name = _text(server.get("ldhName")) or _text(server.get("unicodeName"))
            if name and name.lower().rstrip(".") not in servers:
                servers.append(name.lower().rstrip("."))
    return servers


def _secure_dns(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    signed = value.get("delegationSigned")
    return {True: "signed", False: "unsigned"}.get(signed) if isinstance(signed, bool) else None


def _entity_roles(value: Any) -> dict[str, Any]:
    """registrar, abuse contacts and registrant from the entity tree."""
    found: dict[str, Any] = {}
    abuse: dict[str, list[str]] = {"emails": [], "phones": []}
    for entity, depth in _walk_entities(value, 0):
        roles = {role.lower() for role in _strings(entity.get("roles"))}
        card = vcard(entity.get("vcardArray"))
        if "registrar" in roles and "registrar" not in found:
            found["registrar"] = _registrar(entity, card)
        if "abuse" in roles:
            _add_unique(abuse["emails"], card.get("emails", []))
            _add_unique(abuse["phones"], card.get("phones", []))
        if "registrant" in roles and depth == 0 and card and "registrant" not in found:
            found["registrant"] = {k: v for k, v in card.items() if k in _PERSON_KEYS}
    if abuse["emails"] or abuse["phones"]:
        found["abuse"] = {key: values for key, values in abuse.items() if values}
    return {key: value for key, value in found.items() if value}


_PERSON_KEYS = ("name", "organization", "emails", "phones", "country", "address")


def _walk_entities(value: Any, depth: int) -> list[tuple[dict[str, Any], int]]:
    if depth > MAX_DEPTH or not isinstance(value, list):
        return []
    found: list[tuple[dict[str, Any], int]] = []
    for entity in value[:MAX_ITEMS]:
        if isinstance(entity, dict):
            found.append((entity, depth))
            found.extend(_walk_entities(entity.get("entities"), depth + 1))
    return found


def _registrar(entity: dict[str, Any], card: dict[str, Any]) -> dict[str, Any]:
    registrar: dict[str, Any] = {"name": card.get("name"), "handle": _text(entity.get("handle"))}
    public_ids = entity.get("publicIds")
    if isinstance(public_ids, list):
        for public_id in public_ids[:MAX_ITEMS]:
            if isinstance(public_id, dict) and "iana" in str(public_id.get("type", "")).lower():
                registrar["iana_id"] = _text(public_id.get("identifier"))
                break
    return {key: value for key, value in registrar.items() if value}


def _add_unique(target: list[str], values: list[str]) -> None:
    for value in values:
        if value not in target:
            target.append(value)


def vcard(value: Any) -> dict[str, Any]:
    """name, organization, emails, phones, country and address of a jCard (RFC 7095)."""
    card: dict[str, Any] = {}
    if not (isinstance(value, list) and len(value) >= 2 and isinstance(value[1], list)):
        return card
    for item in value[1][:MAX_ITEMS]:
        if not (isinstance(item, list) and len(item) >= 4 and isinstance(item[0], str)):
            continue
        _read_property(card, item[0].lower(), item[1], item[3])
    return {key: val for key, val in card.items() if val}


def _read_property(card: dict[str, Any], name: str, params: Any, value: Any) -> None:
    text = _text(value)
    if name == "fn" and text:
        card.setdefault("name", text)
    elif name == "org":
        organization = text or (_text(value[0]) if isinstance(value, list) and value else None)
        if organization:
            card.setdefault("organization", organization)
    elif name == "email" and text:
        _add_unique(card.setdefault("emails", []), [text.lower()])
    elif name == "tel" and text:
        _add_unique(card.setdefault("phones", []), [text.removeprefix("tel:")])
    elif name == "adr":
        _read_address(card, params, value)


def _read_address(card: dict[str, Any], params: Any, value: Any) -> None:
    if isinstance(params, dict):
        label = _text(params.get("label"))
        if label:
            card.setdefault("address", " / ".join(line for line in label.splitlines() if line))
        country = _text(params.get("cc"))
        if country:
            card.setdefault("country", country.upper())
    if isinstance(value, list) and len(value) >= 7:
        country_name = _text(value[6])
        if country_name:
            card.setdefault("country", country_name)


def _network(document: dict[str, Any]) -> dict[str, Any]:
    start, end = _text(document.get("startAddress")), _text(document.get("endAddress"))
    if not (start or end):
        return {}
    network = {
        "start": start,
        "end": end,
        "ip_version": _text(document.get("ipVersion")),
        "cidr": _cidrs(document.get("cidr0_cidrs")),
        "country": _text(document.get("country")),
        "parent_handle": _text(document.get("parentHandle")),
    }
    return {"network": {key: value for key, value in network.items() if value}}


def _cidrs(value: Any) -> list[str]:
    cidrs: list[str] = []
    if not isinstance(value, list):
        return cidrs
    for item in value[:MAX_ITEMS]:
        if not isinstance(item, dict):
            continue
        prefix = _text(item.get("v4prefix")) or _text(item.get("v6prefix"))
        length = item.get("length")
        if prefix and isinstance(length, int) and not isinstance(length, bool):
            cidrs.append(f"{prefix}/{length}")
    return cidrs


def _autnum(document: dict[str, Any]) -> dict[str, Any]:
    start, end = document.get("startAutnum"), document.get("endAutnum")
    if not any(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        return {}
    autnum = {
        "start": start if isinstance(start, int) and not isinstance(start, bool) else None,
        "end": end if isinstance(end, int) and not isinstance(end, bool) else None,
        "country": _text(document.get("country")),
    }
    return {"autnum": {key: value for key, value in autnum.items() if value is not None}}


def _error(document: dict[str, Any]) -> dict[str, Any]:
    code = document.get("errorCode")
    if not isinstance(code, int) or isinstance(code, bool):
        return {}
    error = {
        "code": code,
        "title": _text(document.get("title")),
        "description": _strings(document.get("description")),
    }
    return {key: value for key, value in error.items() if value not in (None, [])}
