"""README.txt of an evidence package: what is in it and how to check it by hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from workstation import APP_NAME
from workstation.version import build_hash, tool_version


def readme_text(
    *,
    info: dict[str, str],
    exhibits: Sequence[Any],
    head: Any,
    root: str,
    leaves: int,
    disclosed: int,
    withheld: dict[str, int] | None,
    notes: Sequence[str],
) -> str:
    title = "REDACTED DISCLOSURE COPY" if withheld is not None else "EVIDENCE PACKAGE"
    stem = f"audit/heads/head-{head.seq:06d}"
    parts = [
        _HEAD.format(
            title=title,
            app=APP_NAME,
            version=tool_version(),
            build=build_hash(),
            reference=info.get("reference") or "(no reference)",
            case_id=info.get("case_id", "unknown"),
            seq=head.seq,
            hash=head.hash,
            root=root,
            leaves=leaves,
            disclosed=disclosed,
        ),
        _exhibits(exhibits),
        _STEPS.format(msg=f"{stem}.msg", sig=f"{stem}.sig", root=root, size=leaves),
    ]
    if withheld is not None:
        parts.append(_redacted(withheld))
    if notes:
        parts.append("NOTES\n\n" + "".join(f"  - {note}\n" for note in notes))
    return "\n".join(parts)


def _exhibits(exhibits: Sequence[Any]) -> str:
    if not exhibits:
        return "EXHIBITS\n\n  none in this package\n"
    lines = ["EXHIBITS (details in evidence/README.txt)", ""]
    for exhibit in exhibits:
        lines.append(f"  evidence/{exhibit.folder}/")
        lines.append(f"    control number  {exhibit.control_number}")
        if exhibit.url:
            lines.append(f"    address         {exhibit.url}")
    return "\n".join(lines) + "\n"


def _redacted(withheld: dict[str, int]) -> str:
    counts = "".join(
        f"    {name.replace('_', ' ')}: {number}\n" for name, number in withheld.items()
    )
    return _REDACTED.format(counts=counts)


_HEAD = """\
{title}

Made by {app} {version} (build {build}) from case {reference}
(case id {case_id}).

Audit head     event {seq}, hash {hash}
               (signed with the case's Ed25519 key; the audit log here ends there)
Merkle root    {root}
               over {leaves} item(s) of the case; this package discloses {disclosed}

CONTENTS

  README.txt            this file
  SHA256SUMS            the SHA-256 of every other file
  verify_package.py     checks everything below; needs only Python 3 (no packages)
  package.json          the index of the package, read by the verifier
  merkle.json           the Merkle tree: its root and the disclosed leaves
  case.jsonld           CASE/UCO description of the investigative actions (JSON-LD)
  case.json             the case's metadata
  report.html/.pdf      the final report
  evidence/             the exhibits: manifests, files, timestamps, evidence.wacz,
                        with their own README.txt and SHA256SUMS
  audit/                the audit log (audit-log.jsonl), the signed heads
                        (signed-heads.json, heads/*.msg and *.sig), the public key
  contacts/             the contact log (one record per line) and attachments
  lookups/              each saved lookup: record.json and the raw questions and answers
  personas/             the personas' records (one per line)
"""

_STEPS = """\
HOW TO CHECK THIS PACKAGE

1. Nothing was changed since the export. In this folder:

       sha256sum -c SHA256SUMS

2. Everything at once, with Python 3 and nothing else installed:

       python3 verify_package.py

   It prints VERIFIED, or NOT VERIFIED with each problem and the file it is in.
   Add --tsa-cert ROOT.pem to have openssl check the timestamp signatures.

3. The exhibits: follow evidence/README.txt (control numbers with sha256sum,
   timestamps with openssl ts -verify, the web archive with any WACZ/WARC reader).

4. The audit log (audit/audit-log.jsonl) has one event per line. Each event's
   "hash" is the SHA-256 of the canonical JSON (keys sorted, no spaces, UTF-8) of
   its "action", "actor", "details", "prev_hash", "seq" and "utc"; "prev_hash" is
   the hash of the event before it (64 zeros for the first). The verifier
   recomputes every hash.

5. The signed head. Python's standard library has no Ed25519, so the signature is
   checked with OpenSSL (3.0 or newer):

       openssl pkeyutl -verify -pubin -inkey audit/public-key.pem -rawin \\
           -in {msg} -sigfile {sig}

   "Signature Verified Successfully" means the case's key signed that message, which
   names the last event of the log and, as the reason,
   "package export, Merkle root {root} over {size} items".
   The same public key is announced in the log's audit.key_created event. Every other
   head in audit/heads/ is checked the same way; verify_package.py does this when
   openssl is installed.

6. The Merkle tree (merkle.json, RFC 6962). Each leaf is SHA-256(0x00 || data), each
   node SHA-256(0x01 || left || right), where data is the canonical JSON of
   {{"id", "kind", "sha256"}} of one item. "sha256" is: for an exhibit, its control
   number; for a contact entry, the SHA-256 of its line in the contact log (the same
   hash the audit log's contact.logged event holds); for a saved lookup, the SHA-256
   of its record.json (as in lookup.saved); for a persona, the SHA-256 of its line in
   personas/personas.jsonl. Leaves are ordered exhibits, contact entries, lookups,
   personas, each by number. Because the signed head names the root, the case's
   key vouches for every item in the tree.
"""

_REDACTED = """\
THIS IS A REDACTED COPY

Some of the case is withheld from this copy:

{counts}
What is withheld is left out entirely. What remains verifies as in the full
package, against the same control numbers, the same Merkle root and the same
signed audit head:

  - Each disclosed item's leaf in merkle.json carries an inclusion proof: the
    sibling hashes from the leaf to the root. Recomputing the root from the leaf and
    its proof shows that the item is one of the items the signed root covers,
    without revealing the others. The tree's size and the count of each kind show
    how many items there are.
  - An audit event about something withheld keeps its number, time, action,
    officer, "prev_hash" and "hash"; its details are replaced by their SHA-256
    ("withheld": true). Its own hash cannot be recomputed without the details, but
    the next event's hash covers it through "prev_hash", and the signed head covers
    the end, so no event can be changed, added or removed unnoticed.
  - With the contact log redacted, each entry is listed with its time, persona,
    channel and direction and the SHA-256 of its full record; content, counterparts
    and attachments are withheld. The entry's leaf proves it is in the tree.

A hash does not hide something that can be guessed exactly: whoever guesses the
complete record of a withheld item (every field, to the microsecond) can confirm the
guess against its hash. Short, predictable content is the case to think of.
"""
