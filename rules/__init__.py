"""Pure domain rules: no I/O, usable from workflows and activities alike."""
