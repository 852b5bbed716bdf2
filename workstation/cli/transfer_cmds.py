"""`keys`, `transfer export` and `import`: this workstation's keys, partner units, and
encrypted, signed case transfers between workstations.

Standard input, one line each and only when needed (a terminal is asked instead):

- ``keys ...``: the passphrase of this workstation's keys, only on a PC without a
  usable OS keyring (when ``keys show`` makes them, it sets it).
- ``transfer export``: (1) the case's passphrase; (2) with --passphrase, the transfer's
  passphrase; (3) without a keyring, the passphrase of this workstation's keys.
- ``import``: (1) the target case's passphrase (with --new: the new case's);
  (2) for a passphrase transfer, the transfer's passphrase; otherwise, without a
  keyring, the passphrase of this workstation's keys.

``export --case PATH --encrypt-to KEYFILE --out FILE`` (the issue's form) runs the same
transfer export as ``transfer export``: with --encrypt-to, --to or --passphrase, ``export``
writes a transfer instead of the evidence package (cli/package_cmds.py).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.cli.common import EXIT_OK, EXIT_PROBLEM, print_json, read_passphrase

if TYPE_CHECKING:
    from workstation.casefile.importer import ImportReport
    from workstation.casefile.transfer import Encryption, ExportSummary, TransferRecipient
    from workstation.keys.identity import WorkstationIdentity


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    _register_keys(sub)
    _register_transfer(sub)
    _register_import(sub)


def _register_keys(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = sub.add_parser("keys", help="this workstation's keys and the partner address book")
    actions = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    show = actions.add_parser(
        "show", help="this workstation's public keys and fingerprint (made on first use)"
    )
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=cmd_keys_show)
    add = actions.add_parser("add", help="add a partner unit's key card to the address book")
    add.add_argument("name", help="the partner's name in the address book")
    add.add_argument("--unit", default="", help="the partner's unit")
    add.add_argument(
        "--key", required=True, metavar="FILE_OR_CARD", help="their key card file, or its text"
    )
    add.add_argument("--json", action="store_true", help="machine-readable output")
    add.set_defaults(handler=cmd_keys_add)
    listing = actions.add_parser("list", help="the partners in the address book")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=cmd_keys_list)
    export = actions.add_parser("export", help="write this workstation's key card for partners")
    export.add_argument("--out", required=True, type=Path, metavar="FILE")
    export.add_argument("--label", default="", help="a note on the card, e.g. your unit")
    export.set_defaults(handler=cmd_keys_export)


def _register_transfer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    transfer = sub.add_parser("transfer", help="encrypted, signed case transfers")
    actions = transfer.add_subparsers(dest="transfer_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export", help="write a case (or chosen parts) as one encrypted file for a workstation"
    )
    export.add_argument("--case", required=True, type=Path, dest="case_path", metavar="PATH")
    export.add_argument("--out", required=True, type=Path, metavar="FILE", help="a new file")
    export.add_argument(
        "--to", action="append", default=[], metavar="NAME", help="a partner in the address book"
    )
    export.add_argument(
        "--encrypt-to",
        action="append",
        default=[],
        metavar="KEYFILE",
        help="a partner's key card file",
    )
    export.add_argument(
        "--passphrase", action="store_true", help="encrypt to a passphrase instead (stdin)"
    )
    export.add_argument(
        "--exhibit", action="append", type=int, default=[], metavar="ID", help="only this exhibit"
    )
    export.add_argument(
        "--lookup", action="append", type=int, default=[], metavar="ID", help="only this lookup"
    )
    export.add_argument(
        "--include",
        action="append",
        default=[],
        choices=("contacts", "personas", "notes"),
        help="with --exhibit/--lookup: also send this part",
    )
    export.add_argument("--json", action="store_true", help="machine-readable output")
    export.set_defaults(handler=cmd_transfer_export)


def _register_import(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = sub.add_parser(
        "import", help="verify a case transfer completely, then add it to a new or existing case"
    )
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--into", required=True, type=Path, metavar="PATH", help="the target case")
    imp.add_argument("--new", action="store_true", help="make a new case at PATH")
    imp.add_argument(
        "--trust-unknown",
        action="store_true",
        help="accept a sender not in the address book (compare its fingerprint first)",
    )
    imp.add_argument("--officer", default="", help="the officer importing")
    imp.add_argument("--json", action="store_true", help="machine-readable output")
    imp.set_defaults(handler=cmd_import)


# -- passphrases ---------------------------------------------------------------------------


def keys_passphrase(new: bool) -> str:
    """The passphrase of this workstation's keys (asked only on a PC without a keyring)."""
    if new:
        return read_passphrase("New passphrase for this workstation's keys: ", confirm=True)
    return read_passphrase("Passphrase of this workstation's keys: ")


# -- keys ----------------------------------------------------------------------------------


def cmd_keys_show(args: argparse.Namespace) -> int:
    from workstation.keys import identity  # noqa: PLC0415

    public, made = identity.ensure(keys_passphrase)
    if args.json:
        print_json({**_identity_json(public), "made_now": made})
        return EXIT_OK
    if made:
        print("Made this workstation's keys.")
    protected = "the OS keyring" if public.protection == identity.BY_KEYRING else "a passphrase"
    print(f"{'fingerprint':14} {identity.format_fingerprint(public.fingerprint)}")
    print(f"{'age recipient':14} {public.age_recipient}")
    print(f"{'signing key':14} {public.signing_public_key.hex()} (Ed25519)")
    print(f"{'made':14} {public.created_utc}")
    print(f"{'protected by':14} {protected}")
    print("Give partners your key card (`keys export --out FILE`); read them the fingerprint.")
    return EXIT_OK


def _identity_json(public: WorkstationIdentity) -> dict[str, Any]:
    from workstation.keys.identity import format_fingerprint  # noqa: PLC0415

    return {
        "fingerprint": public.fingerprint,
        "fingerprint_display": format_fingerprint(public.fingerprint),
        "age_recipient": public.age_recipient,
        "ed25519_public_key": public.signing_public_key.hex(),
        "created_utc": public.created_utc,
        "protection": public.protection,
    }


def cmd_keys_add(args: argparse.Namespace) -> int:
    from workstation.keys import addressbook, identity  # noqa: PLC0415

    partner = addressbook.add(args.name, args.unit, identity.read_card(args.key))
    if args.json:
        print_json(partner.as_json())
        return EXIT_OK
    unit = f" ({partner.unit})" if partner.unit else ""
    print(f"Added {partner.name}{unit} to the address book.")
    print(f"Fingerprint: {identity.format_fingerprint(partner.fingerprint)}")
    print("Compare it with them out of band (phone, in person) before you rely on it.")
    return EXIT_OK


def cmd_keys_list(args: argparse.Namespace) -> int:
    from workstation.keys import addressbook, identity  # noqa: PLC0415

    partners = addressbook.load()
    if args.json:
        print_json([p.as_json() for p in partners])
        return EXIT_OK
    if not partners:
        print("No partners yet; add one with `keys add NAME --unit UNIT --key CARD`.")
    for p in partners:
        unit = f"  {p.unit}" if p.unit else ""
        print(
            f"{p.name}{unit}  {identity.format_fingerprint(p.fingerprint)}  (added {p.added_utc})"
        )
    return EXIT_OK


def cmd_keys_export(args: argparse.Namespace) -> int:
    from workstation.errors import InputError  # noqa: PLC0415
    from workstation.keys import identity  # noqa: PLC0415

    if args.out.exists():
        raise InputError(f"{args.out} already exists; choose a new file name for the key card.")
    public, _ = identity.ensure(keys_passphrase)
    card = public.card(args.label)
    try:
        with args.out.open("xb") as out:
            out.write(card.to_json())
    except OSError as exc:
        raise InputError(
            f"The key card could not be written to {args.out}: {exc.strerror}."
        ) from exc
    print(f"Wrote this workstation's key card to {args.out}.")
    print(f"Fingerprint: {identity.format_fingerprint(card.fingerprint)}")
    return EXIT_OK


# -- transfer export -----------------------------------------------------------------------


def cmd_transfer_export(args: argparse.Namespace) -> int:
    return run_transfer_export(
        TransferRequest(
            case_path=args.case_path,
            out=args.out,
            names=list(args.to),
            card_files=list(args.encrypt_to),
            by_passphrase=args.passphrase,
            exhibits=list(args.exhibit),
            lookups=list(args.lookup),
            include=list(args.include),
            as_json=args.json,
        )
    )


@dataclass(frozen=True)
class TransferRequest:
    """What `transfer export` (and `export --encrypt-to`) was asked to do."""

    case_path: Path
    out: Path
    names: list[str]  # partners in the address book
    card_files: list[str]  # key card files (or a card's text)
    by_passphrase: bool
    exhibits: list[int]
    lookups: list[int]
    include: list[str]
    as_json: bool


def run_transfer_export(request: TransferRequest) -> int:
    """The transfer export, for `transfer export` and `export --encrypt-to` alike."""
    from workstation.casefile import Case  # noqa: PLC0415
    from workstation.casefile.transfer import (  # noqa: PLC0415
        Encryption,
        TransferScope,
        check_out_path,
        export_transfer,
    )
    from workstation.errors import InputError  # noqa: PLC0415
    from workstation.keys import identity  # noqa: PLC0415

    recipients = _recipients(request.names, request.card_files)
    if request.by_passphrase == bool(recipients):
        raise InputError(
            "Encrypt either to workstations (--to NAME, --encrypt-to KEYFILE) or to a "
            "passphrase (--passphrase): one of the two."
        )
    scope = TransferScope.chosen(request.exhibits, request.lookups, request.include)
    check_out_path(request.out)  # before any passphrase: nothing to type in vain
    case_passphrase = read_passphrase("Passphrase of the case: ")
    transfer_passphrase = (
        read_passphrase("Passphrase for the transfer: ", confirm=True)
        if request.by_passphrase
        else None
    )
    encryption = Encryption(recipients, transfer_passphrase)
    encryption.check()
    sender = identity.ensure_unlocked(keys_passphrase)
    with Case.open(request.case_path, case_passphrase) as case:
        summary = export_transfer(case, request.out, sender, encryption, scope)
    if request.as_json:
        print_json(_export_json(summary))
    else:
        _print_export(summary, encryption)
    return EXIT_OK


def card_or_name(values: list[str]) -> tuple[list[str], list[str]]:
    """`export --encrypt-to` values split into (partner names, key cards): a value that is
    a file, or a card's text, is a key card; anything else names a partner in the address
    book."""
    names: list[str] = []
    cards: list[str] = []
    for value in values:
        is_card = value.lstrip().startswith("{") or Path(value).is_file()
        (cards if is_card else names).append(value)
    return names, cards


def _recipients(names: list[str], card_files: list[str]) -> tuple[TransferRecipient, ...]:
    from workstation.casefile.transfer import TransferRecipient  # noqa: PLC0415
    from workstation.keys import addressbook, identity  # noqa: PLC0415

    chosen: list[TransferRecipient] = []
    for name in names:
        partner = addressbook.find(name)
        chosen.append(TransferRecipient(partner.name, partner.age_recipient, partner.fingerprint))
    for card_file in card_files:
        card = identity.read_card(card_file)
        known = addressbook.by_signing_key(card.signing_public_key)
        label = known.name if known else (card.label or Path(card_file).name)
        chosen.append(TransferRecipient(label, card.age_recipient, card.fingerprint))
    unique = {r.age_recipient: r for r in chosen}
    return tuple(unique.values())


def _export_json(summary: ExportSummary) -> dict[str, Any]:
    return {
        "ok": True,
        "out": str(summary.out),
        "sha256": summary.sha256,
        "bytes": summary.size,
        "case_id": summary.case_id,
        "head_seq": summary.head_seq,
        "bundle_files": summary.members,
        "bundle_bytes": summary.bundle_bytes,
        "counts": summary.counts,
        "addressed_to": summary.addressed_to,
        "scope": summary.scope,
        "sender_fingerprint": summary.sender_fingerprint,
    }


def _print_export(summary: ExportSummary, encryption: Encryption) -> None:
    from workstation.keys.identity import format_fingerprint  # noqa: PLC0415

    print(f"Wrote the transfer {summary.out} ({summary.size} bytes).")
    print(f"SHA-256: {summary.sha256}")
    if encryption.passphrase is not None:
        print("Encrypted to a passphrase: give it to the receiver by another way than the file.")
    for r in encryption.recipients:
        print(f"Encrypted to: {r.name} ({format_fingerprint(r.fingerprint)})")
    counts = ", ".join(f"{value} {name}" for name, value in summary.counts.items())
    print(f"Holds: {counts}; the audit log up to its signed head (event {summary.head_seq}).")
    print(f"Signed by this workstation: {format_fingerprint(summary.sender_fingerprint)}")


# -- import --------------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    from workstation.casefile.importer import (  # noqa: PLC0415
        ReceiverKeys,
        Target,
        TransferRejected,
        import_transfer,
    )
    from workstation.keys import addressbook, identity  # noqa: PLC0415

    prompt = "Passphrase for the new case: " if args.new else "Passphrase of the target case: "
    case_passphrase = read_passphrase(prompt, confirm=args.new)
    own = identity.load()
    keys = ReceiverKeys(
        own,
        tuple(addressbook.load()),
        (lambda: identity.unlock(keys_passphrase)) if own is not None else None,
    )
    try:
        report = import_transfer(
            args.file,
            Target(args.into, case_passphrase, args.new, args.officer),
            keys,
            transfer_passphrase=lambda: read_passphrase("Passphrase of the transfer: "),
            trust_unknown=args.trust_unknown,
        )
    except TransferRejected as exc:
        if args.json:
            print_json({"ok": False, "rejected": str(exc)})
        else:
            print(f"REJECTED: {exc}", file=sys.stderr)
            print("Nothing was imported; the target case was not changed.")
        return EXIT_PROBLEM
    if args.json:
        print_json(report.as_json())
    else:
        _print_import(report)
    return EXIT_OK


def _print_import(report: ImportReport) -> None:
    print(f"Verified, before anything was written ({report.encryption} transfer):")
    for line in report.verified:
        print(f"  {line}")
    made = "new case" if report.new_case else "case"
    print(f"Added to the {made} {report.target} ({report.case_id}):")
    for kind, added in report.added.items():
        there = report.already_present.get(kind, 0)
        note = f" ({there} already there)" if there else ""
        print(f"  {kind:12} {added}{note}")
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    reference = f" ({report.source_reference})" if report.source_reference else ""
    print(
        f"From case {report.source_case_id}{reference}, sent by {report.sender.describe()}; "
        "recorded in the audit log as import.completed."
    )
