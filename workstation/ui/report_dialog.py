"""The final report's dialog: which file (PDF or HTML), which exhibits, and whether the
contact log goes in whole or redacted and which personas are withheld."""

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workstation.ui.choice_list import CaseChoices, CheckList
from workstation.ui.dialogs import CheckedDialog, error_label, ok_cancel, path_row
from workstation.ui.i18n import translate
from workstation.ui.screen_fit import PATH_FORM_WIDTH, fit_to_screen, scrolling

REPORT_SUFFIXES = (".pdf", ".html")


class ReportDialog(CheckedDialog):
    """Asks what the report holds; the report itself is made by CaseOutputs.make_report."""

    def __init__(
        self,
        choices: CaseChoices,
        *,
        preselected: Sequence[int],
        path: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        title = translate("ReportDialog", "Final report")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        known: list[int | str] = [choice.key for choice in choices.exhibits]
        self.file = QLineEdit(str(path))
        self.file.setAccessibleName(translate("ReportDialog", "Report file"))
        self.file.setToolTip(
            translate("ReportDialog", "A new file ending in .pdf or .html; nothing is replaced")
        )
        self.exhibits = CheckList(
            translate("ReportDialog", "Exhibits in the report"),
            choices.exhibits,
            [number for number in preselected if number in known] or known,
            empty_text=translate("ReportDialog", "This case has no exhibits yet."),
        )
        self.redact_contacts = QCheckBox(
            translate(
                "ReportDialog",
                "Contact log in redacted form (time, persona, channel, direction and hash only)",
            )
        )
        self.redact_contacts.setAccessibleName(
            translate("ReportDialog", "Contact log in redacted form")
        )
        self.withheld_personas = CheckList(
            translate("ReportDialog", "Personas to withhold"),
            choices.personas,
            empty_text=translate("ReportDialog", "This case has no personas."),
        )
        self.error = error_label()
        self._lay_out()

    def _lay_out(self) -> None:
        row = path_row(self.file, self._browse, translate("ReportDialog", "Choose the report file"))
        form = QFormLayout()
        form.addRow(translate("ReportDialog", "File"), row)
        form.addRow(translate("ReportDialog", "Exhibits"), self.exhibits)
        form.addRow(self.redact_contacts)
        form.addRow(translate("ReportDialog", "Withhold"), self.withheld_personas)
        body = QVBoxLayout()
        body.addLayout(form)
        area = scrolling(body)
        layout = QVBoxLayout(self)
        layout.addWidget(area)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, self._check, translate("ReportDialog", "Make the report")))
        fit_to_screen(self, scroll=area, min_width=PATH_FORM_WIDTH)

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            translate("ReportDialog", "Final report"),
            self.file.text(),
            translate("ReportDialog", "PDF (*.pdf);;HTML (*.html)"),
        )
        if chosen:
            self.file.setText(chosen)

    def path(self) -> Path:
        return Path(self.file.text().strip()).expanduser()

    def item_ids(self) -> list[int] | None:
        """The ticked exhibits; None when every one is (the report then says "all")."""
        return None if self.exhibits.all_checked() else self.exhibits.checked_ids()

    def withheld(self) -> frozenset[str]:
        return frozenset(self.withheld_personas.checked_names())

    def problem(self) -> str:
        path = self.path()
        if not self.file.text().strip() or path.suffix.lower() not in REPORT_SUFFIXES:
            return translate("ReportDialog", "The report's file name must end in .pdf or .html.")
        if path.exists() or path.is_symlink():
            return translate(
                "ReportDialog", "{path} already exists; choose another name (nothing is replaced)."
            ).format(path=path)
        if not path.parent.is_dir():
            return translate("ReportDialog", "The folder {folder} does not exist.").format(
                folder=path.parent
            )
        if self.exhibits.keys() and not self.exhibits.checked():
            return translate("ReportDialog", "Tick at least one exhibit.")
        return ""
