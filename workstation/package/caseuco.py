"""CASE/UCO JSON-LD (CASE 1.x, UCO 1.x) describing what was done and where each file came from.

Each capture is a ``case-investigation:InvestigativeAction`` with the tool (instrument),
the officer (performer), start and end time, the URL object it was performed on and its
results: every file of the exhibit as a ``uco-observable:File`` with its SHA-256, and a
``case-investigation:ProvenanceRecord`` whose exhibit number is the control number.
Timestamps and saved lookups are actions of their own; the export that made the package
is the last action, its object the provenance records it packed.

The context is inline (no remote @context), so every JSON-LD processor and case_validate
read it offline. Identifiers are UUIDv5 under the case's id, so the same case state gives
the same identifiers in every package.
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

CONTEXT = {
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "uco-identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "uco-tool": "https://ontology.unifiedcyberontology.org/uco/tool/",
    "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
CASE_VERSION = "1.5.0"  # the CASE release the tests validate against (case_validate)


@dataclass(frozen=True)
class FileRef:
    """A file in the package: its path there, SHA-256 and size."""

    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Capture:
    item_id: int
    control_number: str
    kind: str
    url: str
    started_utc: str
    finished_utc: str
    officer: str
    tool: str
    tool_version: str
    route: str
    manifest: FileRef
    artifacts: tuple[FileRef, ...]
    timestamps: tuple[tuple[FileRef, str, str], ...] = ()  # (reply, gen time, authority URL)


@dataclass(frozen=True)
class Lookup:
    lookup_id: int
    kind: str
    target: str
    route: str
    started_utc: str
    finished_utc: str
    officer: str
    record: FileRef
    exchanges: tuple[FileRef, ...]


@dataclass(frozen=True)
class Export:
    started_utc: str
    finished_utc: str
    officer: str
    tool: str
    tool_version: str
    redacted: bool
    files: tuple[FileRef, ...]


@dataclass
class _Graph:
    namespace: uuid.UUID
    nodes: list[dict[str, Any]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def iri(self, kind: str, key: str) -> str:
        return f"kb:{kind}-{uuid.uuid5(self.namespace, f'{kind}:{key}')}"

    def add(self, node: dict[str, Any]) -> dict[str, str]:
        if node["@id"] not in self.seen:
            self.seen.add(node["@id"])
            self.nodes.append(node)
        return {"@id": node["@id"]}


def build_jsonld(
    *,
    case_id: str,
    reference: str,
    captures: Sequence[Capture],
    lookups: Sequence[Lookup],
    export: Export,
) -> bytes:
    """The package's case.jsonld (UTF-8, indented, keys sorted)."""
    graph = _Graph(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:investigator-workstation:{case_id}"))
    actions: list[dict[str, str]] = []
    provenance: list[dict[str, str]] = []
    for capture in captures:
        action, record = _capture(graph, capture)
        actions.append(action)
        provenance.append(record)
        actions += [_timestamp(graph, capture, *stamp) for stamp in capture.timestamps]
    for lookup in lookups:
        action, record = _lookup(graph, lookup)
        actions.append(action)
        provenance.append(record)
    actions.append(_export(graph, export, provenance))
    graph.add(
        {
            "@id": graph.iri("Investigation", case_id),
            "@type": "case-investigation:Investigation",
            "uco-core:name": reference or case_id,
            "uco-core:description": f"Case {case_id}",
            "uco-core:object": actions + provenance,
        }
    )
    document = {
        "@context": {"kb": f"urn:investigator-workstation:{case_id}:", **CONTEXT},
        "@graph": graph.nodes,
    }
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _tool(graph: _Graph, name: str, version: str) -> dict[str, str]:
    return graph.add(
        {
            "@id": graph.iri("Tool", f"{name}|{version}"),
            "@type": "uco-tool:Tool",
            "uco-core:name": name,
            "uco-tool:version": version,
        }
    )


def _person(graph: _Graph, name: str) -> dict[str, str]:
    shown = name or "unspecified"
    return graph.add(
        {"@id": graph.iri("Person", shown), "@type": "uco-identity:Person", "uco-core:name": shown}
    )


def _file(graph: _Graph, ref: FileRef) -> dict[str, str]:
    key = f"{ref.path}|{ref.sha256}"
    return graph.add(
        {
            "@id": graph.iri("File", key),
            "@type": "uco-observable:File",
            "uco-core:hasFacet": [
                {
                    "@id": graph.iri("FileFacet", key),
                    "@type": "uco-observable:FileFacet",
                    "uco-observable:fileName": ref.path.rsplit("/", 1)[-1],
                    "uco-observable:filePath": ref.path,
                    "uco-observable:sizeInBytes": _integer(ref.size),
                },
                {
                    "@id": graph.iri("ContentDataFacet", key),
                    "@type": "uco-observable:ContentDataFacet",
                    "uco-observable:hash": [
                        {
                            "@id": graph.iri("Hash", key),
                            "@type": "uco-types:Hash",
                            "uco-types:hashMethod": "SHA256",
                            "uco-types:hashValue": {"@type": "xsd:hexBinary", "@value": ref.sha256},
                        }
                    ],
                },
            ],
        }
    )


def _url(graph: _Graph, url: str) -> dict[str, str]:
    return graph.add(
        {
            "@id": graph.iri("URL", url),
            "@type": "uco-observable:URL",
            "uco-core:hasFacet": [
                {
                    "@id": graph.iri("URLFacet", url),
                    "@type": "uco-observable:URLFacet",
                    "uco-observable:fullValue": url,
                }
            ],
        }
    )


def _integer(value: int) -> dict[str, str]:
    return {"@type": "xsd:integer", "@value": str(value)}


def _time(value: str) -> dict[str, str] | None:
    return {"@type": "xsd:dateTime", "@value": value} if value else None


def _action(
    graph: _Graph,
    key: str,
    *,
    name: str,
    description: str,
    tool: dict[str, str],
    performer: dict[str, str],
    times: tuple[str, str],
    objects: list[dict[str, str]],
    results: list[dict[str, str]],
) -> dict[str, str]:
    node: dict[str, Any] = {
        "@id": graph.iri("InvestigativeAction", key),
        "@type": "case-investigation:InvestigativeAction",
        "uco-core:name": name,
        "uco-core:description": description,
        "uco-action:instrument": tool,
        "uco-action:performer": performer,
    }
    for field_name, value in (("startTime", times[0]), ("endTime", times[1])):
        stamp = _time(value)
        if stamp is not None:
            node[f"uco-action:{field_name}"] = stamp
    if objects:
        node["uco-action:object"] = objects
    if results:
        node["uco-action:result"] = results
    return graph.add(node)


def _provenance(
    graph: _Graph, key: str, number: str, description: str, objects: list[dict[str, str]]
) -> dict[str, str]:
    return graph.add(
        {
            "@id": graph.iri("ProvenanceRecord", key),
            "@type": "case-investigation:ProvenanceRecord",
            "case-investigation:exhibitNumber": number,
            "uco-core:description": description,
            "uco-core:object": objects,
        }
    )


def _capture(graph: _Graph, capture: Capture) -> tuple[dict[str, str], dict[str, str]]:
    files = [_file(graph, capture.manifest), *(_file(graph, a) for a in capture.artifacts)]
    record = _provenance(
        graph,
        f"exhibit:{capture.control_number}",
        capture.control_number,
        f"Exhibit {capture.item_id} ({capture.kind}); the control number is the SHA-256 of "
        "its manifest.json",
        files,
    )
    action = _action(
        graph,
        f"capture:{capture.control_number}",
        name=f"capture ({capture.kind})",
        description=f"Captured {capture.url or 'a download'} through the route {capture.route}",
        tool=_tool(graph, capture.tool, capture.tool_version),
        performer=_person(graph, capture.officer),
        times=(capture.started_utc, capture.finished_utc),
        objects=[_url(graph, capture.url)] if capture.url else [],
        results=[*files, record],
    )
    return action, record


def _timestamp(
    graph: _Graph, capture: Capture, reply: FileRef, gen_time: str, authority: str
) -> dict[str, str]:
    return _action(
        graph,
        f"timestamp:{reply.sha256}",
        name="RFC 3161 timestamp",
        description=f"Timestamp over the manifest of exhibit {capture.item_id} from {authority}",
        tool=_tool(graph, capture.tool, capture.tool_version),
        performer=_person(graph, capture.officer),
        times=(gen_time, gen_time),
        objects=[_file(graph, capture.manifest)],
        results=[_file(graph, reply)],
    )


def _lookup(graph: _Graph, lookup: Lookup) -> tuple[dict[str, str], dict[str, str]]:
    files = [_file(graph, lookup.record), *(_file(graph, e) for e in lookup.exchanges)]
    record = _provenance(
        graph,
        f"lookup:{lookup.record.sha256}",
        f"lookup {lookup.lookup_id}",
        f"Saved lookup {lookup.lookup_id}: {lookup.kind} {lookup.target}; the record's SHA-256 "
        "is in the audit log",
        files,
    )
    action = _action(
        graph,
        f"lookup:{lookup.record.sha256}",
        name=f"lookup ({lookup.kind})",
        description=f"{lookup.kind} lookup of {lookup.target} through {lookup.route}",
        tool=_tool(graph, "Investigator Workstation", ""),
        performer=_person(graph, lookup.officer),
        times=(lookup.started_utc, lookup.finished_utc),
        objects=[_target(graph, lookup)],
        results=[*files, record],
    )
    return action, record


def _target(graph: _Graph, lookup: Lookup) -> dict[str, str]:
    kinds = {
        "phone": (
            "uco-observable:PhoneAccount",
            "uco-observable:PhoneAccountFacet",
            "uco-observable:phoneNumber",
        ),
        "email": (
            "uco-observable:EmailAddress",
            "uco-observable:EmailAddressFacet",
            "uco-observable:addressValue",
        ),
    }
    if lookup.target.startswith(("http://", "https://")):
        return _url(graph, lookup.target)
    address = _ip_kind(lookup.target)
    if address is not None:
        kinds[lookup.kind] = (
            f"uco-observable:{address}",
            f"uco-observable:{address}Facet",
            "uco-observable:addressValue",
        )
    kind, facet, field_name = kinds.get(
        lookup.kind,
        ("uco-observable:DomainName", "uco-observable:DomainNameFacet", "uco-observable:value"),
    )
    if lookup.kind not in kinds and not _looks_like_domain(lookup.target):
        return graph.add(
            {
                "@id": graph.iri("ObservableObject", lookup.target),
                "@type": "uco-observable:ObservableObject",
                "uco-core:description": lookup.target,
            }
        )
    short = kind.split(":")[1]
    return graph.add(
        {
            "@id": graph.iri(short, lookup.target),
            "@type": kind,
            "uco-core:hasFacet": [
                {
                    "@id": graph.iri(f"{short}Facet", lookup.target),
                    "@type": facet,
                    field_name: lookup.target,
                }
            ],
        }
    )


def _ip_kind(text: str) -> str | None:
    try:
        version = ipaddress.ip_address(text).version
    except ValueError:
        return None
    return "IPv4Address" if version == 4 else "IPv6Address"


def _looks_like_domain(text: str) -> bool:
    labels = text.rstrip(".").split(".")
    return len(labels) >= 2 and all(label and label.replace("-", "").isalnum() for label in labels)


def _export(graph: _Graph, export: Export, provenance: list[dict[str, str]]) -> dict[str, str]:
    kind = "redacted disclosure copy" if export.redacted else "evidence package"
    return _action(
        graph,
        f"export:{export.started_utc}",
        name="export",
        description=f"Exported as an {kind}; every file is listed in SHA256SUMS",
        tool=_tool(graph, export.tool, export.tool_version),
        performer=_person(graph, export.officer),
        times=(export.started_utc, export.finished_utc),
        objects=list(provenance),
        results=[_file(graph, ref) for ref in export.files],
    )
