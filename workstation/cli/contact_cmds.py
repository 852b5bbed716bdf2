"""`contact ...`: log undercover contacts, list and search the contact log."""

import argparse
import dataclasses
import mimetypes
import sys
from pathlib import Path
from typing import Any

from workstation.cli.common import EXIT_OK, print_json, read_passphrase
from workstation.errors import InputError


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    contact = sub.add_parser("contact", help="log, list and search undercover contacts")
    actions = contact.add_subparsers(dest="contact_command", metavar="ACTION", required=True)
    _register_add(actions)
    listing = actions.add_parser("list", help="list the contact log, oldest first")
    listing.add_argument("--case", required=True, type=Path, dest="case_path")
    listing.add_argument("--persona", help="only this persona's entries")
    listing.add_argument("--counterpart", help="only entries whose counterpart contains this")
    listing.add_argument("--since", help="UTC time or date, e.g. 2024-05-01T12:00:00Z")
    listing.add_argument("--until", help="UTC time or date (a date includes that whole day)")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(handler=cmd_contact_list)
    search = actions.add_parser("search", help='search: words, "phrases", prefix*, -not, OR')
    search.add_argument("--case", required=True, type=Path, dest="case_path")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--json", action="store_true", help="machine-readable output")
    search.set_defaults(handler=cmd_contact_search)


def _register_add(actions: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    add = actions.add_parser(
        "add", help="log a contact; the content is the rest of stdin after the passphrase line"
    )
    add.add_argument("--case", required=True, type=Path, dest="case_path")
    add.add_argument("--persona", required=True)
    add.add_argument("--channel", required=True, help="platform or channel, e.g. Telegram")
    add.add_argument(
        "--counterpart",
        action="append",
        required=True,
        metavar="[KIND:]VALUE",
        help="handle, email, phone or url (kind guessed when left out); repeatable",
    )
    add.add_argument("--direction", required=True, choices=["in", "out"])
    add.add_argument("--summary", action="store_true", help="the content is a summary")
    add.add_argument("--auth", default="", help="legal authorisation reference")
    add.add_argument("--attach", action="append", default=[], type=Path, metavar="FILE")
    add.add_argument("--evidence", action="append", default=[], type=int, metavar="ID")
    add.add_argument("--supersedes", type=int, metavar="ID", help="the entry this corrects")
    add.add_argument("--at", help="UTC time of the contact (default: now)")
    add.add_argument("--officer", default="", help="who logs it (default: from settings)")
    add.set_defaults(handler=cmd_contact_add)


def officer_name(given: str) -> str:
    """--officer, else the officer in the settings, else the account name."""
    from workstation.settings import Settings, default_officer  # noqa: PLC0415

    return given.strip() or Settings.load().officer or default_officer()


def read_attachment(path: Path) -> tuple[str, str, bytes]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"The attachment {path} cannot be read: {exc.strerror}.") from exc
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return path.name, media_type, data


def read_content() -> str:
    if sys.stdin.isatty():
        print("Type the content, then Ctrl-D on a line of its own:", file=sys.stderr)
    return sys.stdin.read()


def cmd_contact_add(args: argparse.Namespace) -> int:
    from workstation.casefile import Case, ContactDraft, parse_counterpart  # noqa: PLC0415

    counterparts = tuple(parse_counterpart(text) for text in args.counterpart)
    attachments = tuple(read_attachment(path) for path in args.attach)
    passphrase = read_passphrase("Passphrase: ")
    content = read_content()
    draft = ContactDraft(
        persona=args.persona,
        channel=args.channel,
        counterparts=counterparts,
        direction=args.direction,
        content=content,
        is_summary=args.summary,
        attachments=attachments,
        evidence_ids=tuple(args.evidence),
        authorisation_ref=args.auth,
        occurred_utc=args.at,
        supersedes=args.supersedes,
    )
    with Case.open(args.case_path, passphrase, officer=officer_name(args.officer)) as case:
        entry = case.add_contact(draft)
    print(f"Logged contact entry {entry.id}.")
    return EXIT_OK


def cmd_contact_list(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415

    passphrase = read_passphrase("Passphrase: ")
    with Case.open(args.case_path, passphrase) as case:
        entries = case.contacts(
            persona=args.persona, counterpart=args.counterpart, since=args.since, until=args.until
        )
    if args.json:
        print_json([dataclasses.asdict(entry) for entry in entries])
        return EXIT_OK
    for entry in entries:
        print(_entry_heading(entry))
        for line in entry.content.splitlines() or [""]:
            print(f"    {line}")
    return EXIT_OK


def _entry_heading(entry: Any) -> str:
    who = ", ".join(c.value for c in entry.counterparts)
    arrow = "<-" if entry.direction == "in" else "->"
    notes = []
    if entry.is_summary:
        notes.append("summary")
    if entry.supersedes is not None:
        notes.append(f"corrects #{entry.supersedes}")
    if entry.superseded_by is not None:
        notes.append(f"corrected by #{entry.superseded_by}")
    if entry.attachments:
        notes.append(f"{len(entry.attachments)} attachment(s)")
    extra = f"  [{'; '.join(notes)}]" if notes else ""
    return (
        f"#{entry.id} {entry.occurred_utc} {entry.persona} {arrow} {who} ({entry.channel}){extra}"
    )


def cmd_contact_search(args: argparse.Namespace) -> int:
    from workstation.casefile import Case  # noqa: PLC0415

    passphrase = read_passphrase("Passphrase: ")
    with Case.open(args.case_path, passphrase) as case:
        hits = case.search(args.query, limit=args.limit)
    if args.json:
        print_json([dataclasses.asdict(hit) for hit in hits])
        return EXIT_OK
    for hit in hits:
        print(f"{hit.kind} {hit.ref_id}: {hit.snippet}")
    if not hits:
        print("No matches.")
    return EXIT_OK
