"""Child process for the SIGKILL test: log contacts in a loop, print each committed id.

Usage: python -m tests.support.contact_writer CASE_PATH PERSONA  (passphrase on stdin)

Each id is printed (and flushed) only after add_contact returned, i.e. after
its transaction committed. The parent kills this process at a random moment
and checks that every printed id survived. Stops by itself after MAX_ENTRIES.
"""

import sys
from pathlib import Path

from workstation.casefile import Case, ContactDraft, Counterpart

MAX_ENTRIES = 5000


def main() -> int:
    path, persona = Path(sys.argv[1]), sys.argv[2]
    passphrase = sys.stdin.readline().rstrip("\n")
    case = Case.open(path, passphrase, officer="writer")
    for n in range(MAX_ENTRIES):
        entry = case.add_contact(
            ContactDraft(
                persona=persona,
                channel="Telegram",
                counterparts=(Counterpart("handle", f"@seller_{n % 7}"),),
                direction="in" if n % 2 else "out",
                content=f"message {n}: " + "lorem ipsum " * (n % 20),
                attachments=(("n.txt", "text/plain", str(n).encode()),) if n % 10 == 0 else (),
            )
        )
        print(entry.id, flush=True)
    case.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
