"""Asking the officer for a passphrase on behalf of a job running on a worker thread.

The core asks for passphrases through plain callables, and only when one is really needed
(this workstation's keys on a PC without a keyring, a transfer protected by a
passphrase). `PassphrasePrompt.ask` is such a callable for a worker: it opens a dialog on
the GUI thread (not blocking it) and waits for the answer; Cancel in the dialog, or the
job's Cancel, ends the job.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from workstation.errors import WorkstationError
from workstation.keys.identity import PassphraseSource
from workstation.progress import OperationCancelled
from workstation.ui.dialogs import CheckedDialog, error_label, ok_cancel
from workstation.ui.gui_bridge import GuiBridge
from workstation.ui.i18n import translate
from workstation.ui.job_progress import WatchedProgress

MIN_NEW_PASSPHRASE = 8
ANSWER_TIMEOUT_S = 1800.0  # the officer may have to look the passphrase up


def secret_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class PassphraseDialog(CheckedDialog):
    """One passphrase, or a new one typed twice (confirm)."""

    def __init__(
        self, title: str, prompt: str, *, confirm: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.confirm = confirm
        self.passphrase = secret_field(translate("PassphrasePrompt", "Passphrase"))
        self.repeat = (
            secret_field(translate("PassphrasePrompt", "Repeat passphrase")) if confirm else None
        )
        self.error = error_label()
        form = QFormLayout(self)
        explanation = QLabel(prompt)
        explanation.setWordWrap(True)
        form.addRow(explanation)
        form.addRow(translate("PassphrasePrompt", "Passphrase"), self.passphrase)
        if self.repeat is not None:
            form.addRow(translate("PassphrasePrompt", "Repeat passphrase"), self.repeat)
        form.addRow(self.error)
        form.addRow(ok_cancel(self, self._check))

    def problem(self) -> str:
        text = self.passphrase.text()
        if not text:
            return translate("PassphrasePrompt", "Type the passphrase.")
        if self.repeat is None:
            return ""
        if len(text) < MIN_NEW_PASSPHRASE:
            return translate(
                "PassphrasePrompt", "The passphrase needs at least {count} characters."
            ).format(count=MIN_NEW_PASSPHRASE)
        if text != self.repeat.text():
            return translate("PassphrasePrompt", "The two passphrases differ.")
        return ""


class PassphrasePrompt(GuiBridge):
    """Workers call `ask()`; the dialog opens beside the window, the worker waits."""

    asked = Signal(object)  # the PassphraseDialog just opened (for tests and screen readers)

    def __init__(
        self,
        window: QWidget | None,
        *,
        progress: WatchedProgress | None = None,
        timeout_s: float = ANSWER_TIMEOUT_S,
    ) -> None:
        super().__init__(window, progress=progress)
        self._window = window
        self._timeout_s = timeout_s

    def ask(self, title: str, prompt: str, *, confirm: bool = False) -> str:
        """On a worker thread: the passphrase the officer typed; OperationCancelled if none."""
        answer: str = self.call(
            lambda done, failed: self._open(title, prompt, confirm, done, failed),
            what=title,
            timeout_s=self._timeout_s,
        )
        return answer

    def keys_source(self) -> PassphraseSource:
        """The passphrase of this workstation's keys, as identity.unlock/create ask for it."""

        def source(new: bool) -> str:
            if new:
                return self.ask(
                    translate("PassphrasePrompt", "Protect this workstation's keys"),
                    translate(
                        "PassphrasePrompt",
                        "This PC has no usable keyring, so this workstation's new keys are "
                        "protected by a passphrase. Choose one and keep it safe: transfers "
                        "need it.",
                    ),
                    confirm=True,
                )
            return self.ask(
                translate("PassphrasePrompt", "Unlock this workstation's keys"),
                translate(
                    "PassphrasePrompt",
                    "The passphrase of this workstation's keys (this PC has no keyring).",
                ),
            )

        return source

    def transfer_source(self) -> Callable[[], str]:
        """The passphrase a transfer was encrypted to, as import_transfer asks for it."""
        return lambda: self.ask(
            translate("PassphrasePrompt", "Passphrase of the transfer"),
            translate(
                "PassphrasePrompt",
                "This transfer is protected by a passphrase. Type the one the sender gave you.",
            ),
        )

    def _open(
        self,
        title: str,
        prompt: str,
        confirm: bool,
        done: Callable[[Any], None],
        failed: Callable[[WorkstationError], None],
    ) -> Callable[[], None]:
        dialog = PassphraseDialog(title, prompt, confirm=confirm, parent=self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: done(dialog.passphrase.text()))
        dialog.rejected.connect(
            lambda: failed(
                OperationCancelled(
                    translate("PassphrasePrompt", "No passphrase was given; nothing was done.")
                )
            )
        )
        dialog.open()
        self.asked.emit(dialog)

        def close_question() -> None:  # the job ended first
            if shiboken6.isValid(dialog):
                dialog.reject()

        return close_question
