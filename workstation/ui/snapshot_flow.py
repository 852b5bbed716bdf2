"""A snapshot from the window: capture the current tab, seal it into the open case on a
worker, then report the exhibit and, later, its timestamp.

One snapshot at a time. The outcome reaches the window's signals: exhibitSealed,
snapshotFailed and timestampReported.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from workstation.browser.exit_record import exit_record
from workstation.browser.identities import BrowsingIdentities
from workstation.browser.snapshot import CaptureOptions, SnapshotJob, png_bytes
from workstation.evidence.snapshot import CapturedPage, SealedExhibit, seal_page
from workstation.settings import Settings
from workstation.ui.i18n import translate
from workstation.ui.snapshot_progress import SnapshotProgress
from workstation.ui.window_part import WindowPart
from workstation.ui.workers import run_in_background

if TYPE_CHECKING:
    from workstation.ui.main_window import MainWindow


def capture_options(settings: Settings) -> CaptureOptions:
    """The unit's capture settings, as a snapshot takes them."""
    return CaptureOptions(
        whole_page=settings.capture_whole_page, max_height=settings.capture_max_height
    )


class SnapshotFlow(WindowPart):
    """Takes, seals and reports the window's snapshots."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.job: SnapshotJob | None = None
        self.progress: SnapshotProgress | None = None
        self._persona: str | None = None

    def take(self) -> None:
        window = self._window
        if window.case is None:
            window.show_error(
                translate("MainWindow", "Open or create a case before taking a snapshot.")
            )
            return
        if self.job is not None:
            window.statusBar().showMessage(
                translate("MainWindow", "A snapshot is already being taken."), 4000
            )
            return
        tab = window.current_tab()
        if tab.refused_by_route:
            window.show_error(
                translate(
                    "MainWindow", "This page was not loaded: the route refused it. Nothing to seal."
                )
            )
            return
        job = SnapshotJob(
            tab.view,
            tab.requested_url(),
            surface=tab,
            site_status=tab.site_error_status,
            parent=window,
            # Recorded in the manifest: evidence stays in the tool's one language.
            warnings=["the page was still loading when the snapshot was taken"]
            if tab.loading
            else None,
            still_loading=tab.loading,
            options=capture_options(window.settings),
        )
        job.finished.connect(self._captured)
        job.failed.connect(self._failed)
        self.progress = SnapshotProgress(job, window)
        self.job = job
        self._persona = tab.persona
        window.snapshot_action.setEnabled(False)
        window.statusBar().showMessage(translate("MainWindow", "Taking a snapshot…"))
        job.start()

    def _captured(self, page: CapturedPage, image: Any) -> None:
        self.job = None
        window = self._window
        case = window.case
        if case is None:
            self._failed(
                translate("MainWindow", "The case was closed before the snapshot was sealed.")
            )
            return
        persona, gate, recorder = self._persona, window.gate, window.recorder

        def seal() -> SealedExhibit:
            # On the worker: the build hash may ask git once.
            context = window.seal_context(persona)
            sealed_page = dataclasses.replace(page, screenshot_png=png_bytes(image))
            if recorder is not None:
                sealed_page = recorder.with_warc(sealed_page, BrowsingIdentities.key(persona))
            exit_identity = exit_record(gate, BrowsingIdentities.key(persona))
            return seal_page(case, sealed_page, context.with_extra(exit=exit_identity))

        window.statusBar().showMessage(translate("MainWindow", "Sealing the snapshot…"))
        run_in_background(seal, self._sealed, self._failed)

    def _sealed(self, exhibit: SealedExhibit) -> None:
        window = self._window
        window.update_case_state()
        window.explorer.reload()
        window.contact_pane.latest_exhibit = exhibit.item_id
        note = (
            " "
            + translate("MainWindow", "(partial: {warnings})").format(
                warnings="; ".join(exhibit.warnings)
            )
            if exhibit.warnings
            else ""
        )
        window.statusBar().showMessage(
            translate("MainWindow", "Sealed. Control number {number}{note}").format(
                number=exhibit.control_number, note=note
            )
        )
        window.exhibitSealed.emit(exhibit)
        window.timestamper.stamp(exhibit)

    def timestamped(self, control_number: str, result: dict[str, Any]) -> None:
        status = {
            "granted": translate("MainWindow", "timestamped"),
            "queued": translate(
                "MainWindow", "timestamp queued (authority unreachable; retried later)"
            ),
        }.get(str(result.get("status"))) or translate(
            "MainWindow", "timestamp failed: {reason}"
        ).format(reason=result.get("reason"))
        self._window.statusBar().showMessage(
            translate("MainWindow", "Control number {number}: {status}").format(
                number=control_number, status=status
            ),
            15000,
        )
        self._window.timestampReported.emit(control_number, result)

    def _failed(self, reason: str) -> None:
        self.job = None
        window = self._window
        window.update_case_state()
        progress = self.progress
        if progress is not None and progress.cancelled:
            window.statusBar().showMessage(
                translate("MainWindow", "Snapshot cancelled; nothing was sealed."), 10000
            )
        else:
            window.show_error(
                translate("MainWindow", "Snapshot failed: {reason}").format(reason=reason)
            )
        window.snapshotFailed.emit(reason)
