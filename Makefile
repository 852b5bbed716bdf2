# Developer tasks. The test suite runs from ./test.sh; this file only collects extras.
#
#   make screenshots   render the main window, its panes and dialogs offscreen into
#                      build/screenshots/ (PNG), for a person to look at

PYTHON ?= .venv/bin/python
SCREENSHOTS_DIR ?= build/screenshots

.PHONY: screenshots
screenshots:
	QT_QPA_PLATFORM=offscreen $(PYTHON) scripts/screenshots.py $(SCREENSHOTS_DIR)
