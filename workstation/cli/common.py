"""What every subcommand shares: exit codes, passphrase input, JSON output."""

import getpass
import json
import sys
from typing import Any

from workstation.errors import InputError

EXIT_OK = 0
EXIT_PROBLEM = 1  # the command ran and found a problem (a URL not captured, a mismatch)
EXIT_ERROR = 2  # an error to fix first (wrong passphrase, bad route, damaged case)


def read_passphrase(prompt: str, *, confirm: bool = False) -> str:
    """From standard input when it is not a terminal, else from a hidden prompt.

    Several passphrases (old, then new) are read one line each, in order.
    """
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise InputError("No passphrase on standard input.")
        return line.rstrip("\r\n")
    passphrase = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat the passphrase: ") != passphrase:
        raise InputError("The two passphrases differ.")
    return passphrase


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))
