"""Pydantic models shared by workflows, activities, the store and the command line.

Nothing here does I/O, so every module is safe to import inside the Temporal workflow sandbox.
Keep this file empty: package ``__init__`` files are imported into the sandbox too.
"""
