"""Activities: the only I/O a workflow triggers (store writes, letters, the CEDAW check)."""
