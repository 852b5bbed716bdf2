"""Docked panes over the open case: personas, contact log, case explorer."""
