"""What the window says when something goes wrong, in the officer's language.

The Qt-free core words its errors in English (the command line prints them, and some go
into case records that must read the same for a court or a partner unit). In the window,
an officer who chose another language first reads a sentence in that language on what
kind of problem it is and what to do next, then the core's own detail. In English the
core's message already says both, so it is shown as it is.
"""

from workstation.errors import WorkstationError
from workstation.ui.i18n import SOURCE_LANGUAGE, installed_language, translate


def officer_message(problem: WorkstationError) -> str:
    """The text to show for problem: a lead in the window's language, then the detail."""
    detail = str(problem)
    if installed_language() == SOURCE_LANGUAGE:
        return detail
    lead = problem_lead(problem)
    return f"{lead}\n{detail}" if detail else lead


def problem_lead(problem: WorkstationError) -> str:
    """What kind of problem this is and what to do next, in the window's language."""
    return lead_for(type(problem))


def lead_for(kind: type[WorkstationError]) -> str:
    leads = _leads()
    for ancestor in kind.__mro__:  # the most specific kind with a lead of its own
        if ancestor.__name__ in leads:
            return leads[ancestor.__name__]
    return generic_lead()


def generic_lead() -> str:
    return translate("Problems", "The action could not be completed.")


def kinds_with_a_lead() -> set[str]:
    return set(_leads())


def _leads() -> dict[str, str]:
    # By class name, so this module needs none of the modules that define them (they
    # would make every background job load the whole core); a test checks each name
    # is one of the project's WorkstationError classes.
    return {
        "WrongPassphrase": translate(
            "Problems",
            "The passphrase does not open this case. Check Caps Lock and the keyboard "
            "layout, then try again.",
        ),
        "CaseCorrupt": translate(
            "Problems",
            "The case file is damaged or has been altered. Do not go on working in it: "
            "keep a copy and tell your technical contact.",
        ),
        "CaseNotFound": translate(
            "Problems", "There is no case at that place. Choose the case file again."
        ),
        "CaseExists": translate(
            "Problems",
            "A case already exists there and was left untouched. Choose another name or folder.",
        ),
        "SchemaTooNew": translate(
            "Problems",
            "This case was made by a newer version of the workstation. Install that "
            "version to open it.",
        ),
        "CaseError": translate("Problems", "The case could not be read or written."),
        "NoRoute": translate(
            "Problems",
            "No route out is set up, so nothing was sent. Choose a route in the Route menu.",
        ),
        "RouteAuthRefused": translate(
            "Problems",
            "The proxy refused the login. Check the user name and password in the route settings.",
        ),
        "RouteUnavailable": translate(
            "Problems",
            "The route is not working, so nothing was sent. Test the route in the "
            "settings or choose another one.",
        ),
        "DestinationUnreachable": translate(
            "Problems",
            "The route works, but the site could not be reached through it. Check the "
            "address, or try again later or through another exit.",
        ),
        "RouteError": translate("Problems", "The route refused the connection."),
        "OperationCancelled": translate(
            "Problems", "Cancelled. Nothing was kept of the unfinished work."
        ),
        "PdfRenderFailed": translate("Problems", "The PDF could not be made. Try again."),
        "CaptureError": translate("Problems", "The capture could not be made; nothing was sealed."),
        "LookupInputError": translate(
            "Problems",
            "A lookup cannot take that. Enter a domain, IP address, e-mail address, URL, "
            "phone or AS number.",
        ),
        "InputError": translate("Problems", "Something entered is not valid."),
        "LookupFailed": translate(
            "Problems", "The lookup got no usable answer. Try again later or another source."
        ),
        "TimestampUnavailable": translate(
            "Problems",
            "The timestamp authority could not be reached. The evidence is sealed; the "
            "timestamp is asked for again every few minutes while the case is open.",
        ),
        "TimestampError": translate("Problems", "The timestamp could not be checked or added."),
        "TransferRejected": translate(
            "Problems",
            "The transfer was rejected and nothing was added to any case. Ask the sender "
            "for a new one.",
        ),
        "PackageArchiveRefused": translate(
            "Problems", "The package archive was refused; nothing was unpacked."
        ),
        "PackageFailed": translate(
            "Problems", "The package could not be made; nothing was left behind."
        ),
        "ExportFailed": translate("Problems", "The export could not be made."),
        "KeysError": translate("Problems", "The workstation's keys could not be used."),
        "Cancelled": translate("Problems", "Cancelled. Nothing was kept of the unfinished work."),
    }
