"""The project's exception hierarchy.

Every error that can reach an officer derives from WorkstationError and carries a
message written for them (what happened, what to do). The CLI and the GUI catch
WorkstationError at their boundary and show that message; anything else is a bug
and is logged with its traceback.
"""


class WorkstationError(Exception):
    """Base of every error whose message is meant for the officer."""


class CaseError(WorkstationError):
    """The case file cannot be created, opened or written."""


class WrongPassphrase(CaseError):
    """The passphrase does not unlock this case."""


class CaseCorrupt(CaseError):
    """The case file is damaged, truncated, tampered with or not a case at all."""


class CaseNotFound(CaseError):
    """No case at the given path."""


class CaseExists(CaseError):
    """Refusing to overwrite an existing case."""


class SchemaTooNew(CaseError):
    """The case was written by a newer version of the workstation."""


class RouteError(WorkstationError):
    """The route out is not configured, not reachable or refused a connection."""


class NoRoute(RouteError):
    """No route out is configured, so nothing may be sent."""


class RouteUnavailable(RouteError):
    """The route itself is down: its proxy cannot be reached, times out or speaks nonsense."""


class RouteAuthRefused(RouteError):
    """The route's proxy wants credentials, or refused the ones it was given."""


class DestinationUnreachable(RouteError):
    """The route works, but it could not (or would not) reach the requested site."""


class CaptureError(WorkstationError):
    """A page could not be captured."""


class PdfRenderFailed(WorkstationError):
    """The report could not be turned into a PDF."""


class InputError(WorkstationError):
    """Something the officer typed or passed on the command line is not valid."""


class LookupFailed(WorkstationError):
    """A lookup could not be answered: the server refused, sent nonsense or nothing."""


class LookupInputError(InputError):
    """What the officer asked to look up is not a valid domain, address, e-mail or number."""
