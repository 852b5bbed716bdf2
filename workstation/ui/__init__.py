"""Qt widgets: main window, dialogs and the workers that keep the GUI responsive."""
