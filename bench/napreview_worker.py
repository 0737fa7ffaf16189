"""`python -m bench.napreview_worker`: napreview's own worker, exactly `napreview worker`, as a
module the bench can start and measure apart from the bare side's worker."""

from __future__ import annotations

import sys


def main() -> None:
    from napreview.cli.app import main as napreview

    sys.argv = ["napreview", "worker"]
    napreview()


if __name__ == "__main__":
    main()
