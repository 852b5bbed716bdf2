"""Importing a case transfer: kept so that existing imports keep working.

The code lives in the package workstation.casefile.importing, one module a step;
its docstring lists the steps of an import, in order, and why. Every name that
package exports (its ``__all__``) is importable from here too.
"""

from workstation.casefile import importing
from workstation.casefile.importing import *  # noqa: F403 (the facade re-exports them all)

__all__ = importing.__all__
