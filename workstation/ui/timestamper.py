"""Timestamps in the GUI: one request per sealed exhibit, and a retry of the queue.

Requests go through the route gate as the workstation's research identity (no
persona: a timestamp is the unit's business, not the persona's), off the GUI
thread. Exhibits whose authority could not be reached wait in the case's queue
and are asked for again every few minutes while a case is open.
"""

import logging
from pathlib import Path
from typing import Any

from cryptography import x509
from PySide6.QtCore import QObject, QTimer, Signal

from workstation.browser.identities import BrowsingIdentities
from workstation.casefile import Case
from workstation.evidence.snapshot import SealedExhibit
from workstation.evidence.timestamp import TimestampError, load_certificates
from workstation.evidence.timestamping import TsaConfig, retry_pending, stamp_exhibit
from workstation.route import RouteGate
from workstation.settings import Settings
from workstation.ui.i18n import translate
from workstation.ui.workers import run_in_background

log = logging.getLogger(__name__)

RETRY_INTERVAL_MS = 5 * 60_000


class Timestamper(QObject):
    stamped = Signal(str, object)  # control number, result record
    retried = Signal(object)  # list of result records
    errorRaised = Signal(str)

    def __init__(
        self,
        gate: RouteGate,
        identities: BrowsingIdentities,
        settings: Settings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._gate = gate
        self._identities = identities
        self._settings = settings
        self.case: Case | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.retry)
        self._timer.start(RETRY_INTERVAL_MS)

    def roots(self) -> tuple[x509.Certificate, ...]:
        if not self._settings.tsa_cert:
            return ()
        try:
            return tuple(load_certificates(Path(self._settings.tsa_cert).read_bytes()))
        except (OSError, TimestampError) as exc:
            raise TimestampError(
                translate(
                    "Timestamper",
                    "The timestamp authority certificate {path} cannot be used: {reason}",
                ).format(path=self._settings.tsa_cert, reason=exc)
            ) from exc

    def stamp(self, exhibit: SealedExhibit) -> None:
        case = self.case
        if case is None or not self._settings.tsa_url:
            return
        credentials = self._identities.credentials(None)
        port, url = self._gate.port, self._settings.tsa_url

        def work() -> dict[str, Any]:
            tsa = TsaConfig(url, self.roots())
            return stamp_exhibit(
                case, exhibit.item_id, exhibit.manifest.data, tsa,
                gate_port=port, credentials=credentials,
            )  # fmt: skip

        run_in_background(
            work,
            lambda result: self.stamped.emit(exhibit.control_number, result),
            self.errorRaised.emit,
            owner=self,
        )

    def retry(self) -> None:
        case = self.case
        if case is None:
            return
        credentials = self._identities.credentials(None)
        port = self._gate.port
        run_in_background(
            lambda: retry_pending(case, self.roots(), gate_port=port, credentials=credentials),
            self.retried.emit,
            self.errorRaised.emit,
            owner=self,
        )
