"""The evidence package (for a court or the requesting unit) and its redacted disclosure
copy, from the GUI.

The dialog asks where (a new or empty folder), which exhibits (those selected in the
case explorer, else all), whether to add a ZIP archive and the report as PDF; the
redacted variant also asks what to withhold (the contact log's content, personas,
exhibits). `build_package` then runs on a worker thread with a progress strip; the
report's PDF is printed on the GUI thread through a PdfBridge. The outcome appears in
the status bar and in a result panel the officer closes when done.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workstation.browser.pdf_render import screenshot_thumbnail
from workstation.casefile import Case
from workstation.errors import WorkstationError
from workstation.evidence.export import check_export_folder
from workstation.package import (
    PackageRequest,
    PackageSummary,
    ReportTools,
    WithholdRequest,
    build_package,
)
from workstation.package.build import archive_path
from workstation.ui.choice_list import CaseChoices, CheckList, case_choices
from workstation.ui.dialogs import CheckedDialog, error_label, ok_cancel, path_row
from workstation.ui.i18n import translate
from workstation.ui.job_progress import (
    JobProgress,
    WatchedProgress,
)
from workstation.ui.output_job import OutputJob
from workstation.ui.pdf_bridge import PdfBridge
from workstation.ui.problem_text import officer_message
from workstation.ui.result_panel import rows_text
from workstation.ui.screen_fit import PATH_FORM_WIDTH, fit_to_screen, scrolling
from workstation.ui.workers import run_in_background

log = logging.getLogger(__name__)


# -- the dialog ------------------------------------------------------------------------


class PackageDialog(CheckedDialog):
    """Where, which exhibits, archive and PDF; in the redacted variant, what to withhold."""

    def __init__(
        self,
        choices: CaseChoices,
        *,
        redacted: bool,
        preselected: Sequence[int],
        folder: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.redacted = redacted
        title = (
            translate("PackageDialog", "Redacted disclosure copy")
            if redacted
            else translate("PackageDialog", "Evidence package")
        )
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        known: list[int | str] = [choice.key for choice in choices.exhibits]
        chosen = [number for number in preselected if number in known] or known
        self.folder = QLineEdit(str(folder))
        self.folder.setAccessibleName(translate("PackageDialog", "Destination folder"))
        self.folder.setToolTip(
            translate("PackageDialog", "A new or empty folder; it is created if it does not exist")
        )
        self.exhibits = CheckList(
            translate("PackageDialog", "Exhibits to include"),
            choices.exhibits,
            chosen,
            empty_text=translate("PackageDialog", "This case has no exhibits yet."),
        )
        self.archive = QCheckBox(
            translate("PackageDialog", "Also write a .zip archive of the folder")
        )
        self.archive.setAccessibleName(translate("PackageDialog", "Also write a .zip archive"))
        self.pdf = QCheckBox(
            translate("PackageDialog", "Include the report as PDF (report.html is always included)")
        )
        self.pdf.setAccessibleName(translate("PackageDialog", "Include the report as PDF"))
        self.pdf.setChecked(True)
        self.redact_contacts = QCheckBox(
            translate(
                "PackageDialog",
                "Withhold the contact log's content (time, persona, channel and direction stay)",
            )
        )
        self.redact_contacts.setAccessibleName(
            translate("PackageDialog", "Withhold the contact log's content")
        )
        self.withhold_personas = CheckList(
            translate("PackageDialog", "Personas to withhold"),
            choices.personas,
            empty_text=translate("PackageDialog", "This case has no personas."),
        )
        self.withhold_exhibits = CheckList(
            translate("PackageDialog", "Exhibits to withhold"),
            choices.exhibits,
            empty_text=translate("PackageDialog", "No exhibits."),
        )
        self.error = error_label()
        self._lay_out(redacted)

    def _lay_out(self, redacted: bool) -> None:
        row = path_row(
            self.folder,
            self._browse,
            translate("PackageDialog", "Choose the destination folder"),
        )
        form = QFormLayout()
        form.addRow(translate("PackageDialog", "Folder"), row)
        form.addRow(translate("PackageDialog", "Exhibits"), self.exhibits)
        form.addRow(self.archive)
        form.addRow(self.pdf)
        body = QVBoxLayout()
        body.addLayout(form)
        if redacted:
            self.redact_contacts.setChecked(True)
            group = QGroupBox(translate("PackageDialog", "Withhold from the copy"))
            inner = QFormLayout(group)
            explanation = QLabel(
                translate(
                    "PackageDialog",
                    "Withheld items are left out; the Merkle root and the signed audit head "
                    "stay the same, and withheld audit events keep only their hash. Whatever "
                    "names a withheld persona is withheld with it.",
                )
            )
            explanation.setWordWrap(True)
            inner.addRow(explanation)
            inner.addRow(self.redact_contacts)
            inner.addRow(translate("PackageDialog", "Personas"), self.withhold_personas)
            inner.addRow(translate("PackageDialog", "Exhibits"), self.withhold_exhibits)
            body.addWidget(group)
        area = scrolling(body)
        layout = QVBoxLayout(self)
        layout.addWidget(area)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, self._check, translate("PackageDialog", "Export")))
        fit_to_screen(self, scroll=area, min_width=PATH_FORM_WIDTH)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self,
            translate("PackageDialog", "Folder for the package (new or empty)"),
            self.folder.text(),
        )
        if chosen:
            self.folder.setText(chosen)

    def out_dir(self) -> Path:
        return Path(self.folder.text().strip()).expanduser()

    def withhold(self) -> WithholdRequest:
        if not self.redacted:
            return WithholdRequest()
        return WithholdRequest(
            personas=tuple(self.withhold_personas.checked_names()),
            exhibits=tuple(self.withhold_exhibits.checked_ids()),
            redact_contacts=self.redact_contacts.isChecked(),
        )

    def request(self) -> PackageRequest:
        items = None if self.exhibits.all_checked() else self.exhibits.checked_ids()
        return PackageRequest(
            item_ids=items, withhold=self.withhold(), archive=self.archive.isChecked()
        )

    def problem(self) -> str:
        if not self.folder.text().strip():
            return translate("PackageDialog", "Choose a folder for the package.")
        out_dir = self.out_dir()
        try:
            check_export_folder(out_dir)
        except WorkstationError as exc:
            return officer_message(exc)
        if self.archive.isChecked() and archive_path(out_dir).exists():
            return translate(
                "PackageDialog", "{archive} already exists; choose another folder name."
            ).format(archive=archive_path(out_dir))
        if self.redacted and not self.withhold().active:
            return translate(
                "PackageDialog",
                "Choose what to withhold (the contact log's content, personas or exhibits), "
                "or export the evidence package instead.",
            )
        return ""


# -- running it ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Output:
    """What was there before the package was written, so a stopped one can be removed."""

    out_dir: Path
    existed: bool  # an empty folder the officer chose; it stays, emptied again
    ours: bool  # nothing of the officer's is in it: new, or empty before the job
    archive: Path | None  # the archive, when it did not exist before

    @classmethod
    def before(cls, out_dir: Path, request: PackageRequest) -> _Output:
        existed = out_dir.exists()
        ours = not existed or (out_dir.is_dir() and not any(out_dir.iterdir()))
        archive = archive_path(out_dir) if request.archive else None
        new_archive = archive if archive is not None and not archive.exists() else None
        return cls(out_dir, existed, ours, new_archive)

    def discard(self) -> None:
        """Remove what a stopped job wrote (never what was there before it)."""
        if self.archive is not None:
            self.archive.unlink(missing_ok=True)
        if not self.ours or not self.out_dir.is_dir():
            return
        if not self.existed:
            shutil.rmtree(self.out_dir, ignore_errors=True)
            return
        for child in self.out_dir.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


class PackageExport(OutputJob):
    """Asks (dialog), builds on a worker with progress and Cancel, shows the summary."""

    dialogShown = Signal(object)  # the PackageDialog
    written = Signal(object)  # PackageSummary

    def __init__(self, window: QWidget, officer: Callable[[], str]) -> None:
        super().__init__(window)
        self._officer = officer

    def ask(self, case: Case, preselected: Sequence[int], *, redacted: bool) -> None:
        """Read what the case offers (worker), then open the dialog (not blocking)."""
        chosen = list(preselected)
        run_in_background(
            lambda: case_choices(case),
            lambda choices: self._show_dialog(case, choices, chosen, redacted),
            self._could_not_ask,
            owner=self,
        )

    def _could_not_ask(self, message: str) -> None:
        self._status(message)
        self.failed.emit(message)

    def _show_dialog(
        self, case: Case, choices: CaseChoices, preselected: list[int], redacted: bool
    ) -> None:
        suffix = "disclosure" if redacted else "package"
        folder = Path.home() / f"{case.path.stem}-{suffix}"
        dialog = PackageDialog(
            choices, redacted=redacted, preselected=preselected, folder=folder, parent=self._window
        )
        dialog.accepted.connect(
            lambda: self.start(case, dialog.out_dir(), dialog.request(), pdf=dialog.pdf.isChecked())
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.dialogShown.emit(dialog)

    def start(
        self, case: Case, out_dir: Path, request: PackageRequest, *, pdf: bool
    ) -> JobProgress:
        """Build the package on a worker thread; the strip shows progress and cancels."""
        redacted = request.withhold.active
        title = (
            translate("PackageDialog", "Redacted disclosure copy")
            if redacted
            else translate("PackageDialog", "Evidence package")
        )
        strip = JobProgress(title)
        bridge = PdfBridge(self, progress=strip.progress) if pdf else None
        officer = self._officer()

        def work(progress: WatchedProgress) -> PackageSummary:
            progress.step(translate("PackageDialog", "Gathering the case for the package…"))
            output = _Output.before(out_dir, request)
            tools = ReportTools(
                thumbnails=screenshot_thumbnail,
                to_pdf=bridge.to_pdf if bridge is not None else None,
                officer=officer,
            )
            try:
                return build_package(case, out_dir, request, tools, progress=progress)
            except BaseException:
                output.discard()
                raise

        def ended() -> None:
            self.running = None
            if bridge is not None:
                bridge.deleteLater()

        def done(summary: PackageSummary) -> None:
            ended()
            self._show_summary(summary)

        def stopped(message: str, cancelled: bool) -> None:
            ended()
            self._stopped(title, message, cancelled)

        self.running = strip
        strip.start(self._window, work, done, stopped, owner=self)
        self._status(translate("PackageDialog", "{job}: started.").format(job=title))
        self.started.emit(strip)
        return strip

    def _show_summary(self, summary: PackageSummary) -> None:
        kind = (
            translate("PackageDialog", "Redacted disclosure copy")
            if summary.redacted
            else translate("PackageDialog", "Evidence package")
        )
        self._status(
            translate("PackageDialog", "{kind} written to {folder} ({files} files).").format(
                kind=kind, folder=summary.out_dir, files=summary.files
            )
        )
        heading = (
            translate("PackageDialog", "{kind} written, with problems: see below.").format(
                kind=kind
            )
            if summary.problems
            else translate("PackageDialog", "{kind} written.").format(kind=kind)
        )
        self._panel(kind, heading, summary_text(summary), problem=bool(summary.problems))
        self.written.emit(summary)


def summary_text(summary: PackageSummary) -> str:
    """What the officer needs to hand the package on and to quote it."""
    rows = [(translate("PackageDialog", "Folder"), str(summary.out_dir))]
    if summary.archive is not None:
        rows.append((translate("PackageDialog", "Archive"), str(summary.archive)))
    rows += [
        (translate("PackageDialog", "Files"), str(summary.files)),
        (
            translate("PackageDialog", "Exhibits"),
            ", ".join(f"#{e.item_id}" for e in summary.exhibits)
            or translate("PackageDialog", "none"),
        ),
        (
            translate("PackageDialog", "Merkle root"),
            translate("PackageDialog", "{root} ({shown} of {leaves} items disclosed)").format(
                root=summary.merkle_root, shown=summary.disclosed_leaves, leaves=summary.leaves
            ),
        ),
        (
            translate("PackageDialog", "Audit head"),
            translate("PackageDialog", "event {seq}, {hash}").format(
                seq=summary.head_seq, hash=summary.head_hash
            ),
        ),
        (
            translate("PackageDialog", "SHA256SUMS"),
            translate("PackageDialog", "SHA-256 {digest}").format(digest=summary.sums_sha256),
        ),
    ]
    withheld = [(name, count) for name, count in summary.withheld.items() if count]
    if summary.redacted:
        rows.append(
            (
                translate("PackageDialog", "Withheld"),
                "; ".join(f"{withheld_label(name)}: {count}" for name, count in withheld)
                or translate("PackageDialog", "nothing"),
            )
        )
    lines = [rows_text(rows)]
    lines += [
        translate("PackageDialog", "Note: {note}").format(note=note) for note in summary.notes
    ]
    lines += [
        translate("PackageDialog", "Problem: {problem}").format(problem=p) for p in summary.problems
    ]
    lines.append(
        translate(
            "PackageDialog",
            "Check it with: sha256sum -c SHA256SUMS, or python3 verify_package.py (README.txt).",
        )
    )
    return "\n".join(lines)


def withheld_label(name: str) -> str:
    labels = {
        "personas": translate("PackageDialog", "personas"),
        "exhibits": translate("PackageDialog", "exhibits"),
        "contact_entries": translate("PackageDialog", "contact entries"),
        "contact_contents": translate("PackageDialog", "contact entries' content"),
        "lookups": translate("PackageDialog", "saved lookups"),
        "audit_event_details": translate("PackageDialog", "audit events' details"),
    }
    return labels.get(name, name.replace("_", " "))
