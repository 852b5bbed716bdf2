"""Entry point: `python main.py [gui|case|capture|verify] ...` (see --help)."""

import sys

from workstation.cli import main

if __name__ == "__main__":
    sys.exit(main())
