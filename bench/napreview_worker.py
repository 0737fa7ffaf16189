"""`python -m bench.napreview_worker`: napreview's own worker, exactly `napreview worker`.

With BENCH_LETTER_DIGESTS=cached it first makes each letter template's digest computed once per
process, as the letters branch does (issue #12), so the bench can measure what napreview costs
with that change before it lands. The bench says in its results which it measured.
"""

from __future__ import annotations

import functools
import os
import sys


def cache_letter_digests() -> None:
    """Each template's digest computed once per process (the letters branch's change)."""
    if os.environ.get("BENCH_LETTER_DIGESTS") == "cached":
        from letters.render import LetterRenderer

        LetterRenderer.template_version = functools.cache(LetterRenderer.template_version)  # type: ignore[method-assign]


def main() -> None:
    cache_letter_digests()
    from cli.app import main as napreview

    sys.argv = ["napreview", "worker"]
    napreview()


if __name__ == "__main__":
    main()
