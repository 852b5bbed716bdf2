"""Investigator workstation: routed browser, sealed snapshots, encrypted case file."""

__version__ = "0.1.0"
APP_NAME = "Investigator Workstation"
