"""Lookups about domains, addresses, e-mail addresses and phone numbers, through the route.

Qt-free. Each lookup is a function `(target, LookupContext) -> LookupResult`; the result
keeps the raw bytes of every exchange with every server it asked, the route it went
through and when, so that a saved result is evidence, not a paraphrase.
"""

from workstation.lookup.context import LookupContext
from workstation.lookup.result import Exchange, LookupResult, Pivot

__all__ = ["Exchange", "LookupContext", "LookupResult", "Pivot"]
