"""Qt layer around QtWebEngine: flags, profiles, tabs and snapshot orchestration."""
