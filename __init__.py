"""napreview: the review cycles of the Women, Peace and Security Focal Points Network.

The repository's root is this package (pyproject.toml maps it with ``package-dir``), so every
room installs under one import name: ``napreview.workflows``, ``napreview.store``, … Kept empty:
package ``__init__`` files are imported into the Temporal workflow sandbox too.
"""
