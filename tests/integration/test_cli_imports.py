"""A command that only reads answers without loading the Temporal SDK (issue #23): importing
temporalio is 40% of a short call, and `--help` or a read of the store needs none of it.
The rule (cli/app.py): a module of the command line imports Temporal only inside the commands
that talk to it, and the services they call for reads (services/overview.py) import none."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ..helpers import SECRETARIAT, fp

# Runs one call as `napreview` runs it, then says whether temporalio was ever imported. A call
# that imported the SDK's client ends through os._exit (cli/app.py), which skips atexit and so
# prints nothing: that fails the test too.
PROBE = """
import atexit, sys
atexit.register(lambda: print("temporalio loaded:", "temporalio" in sys.modules, file=sys.stderr))
sys.argv = ["napreview", *sys.argv[1:]]
from napreview.cli.app import main
main()
"""

READS = [
    ("--help",),
    ("cycle", "status", "2019", "--as", SECRETARIAT),
    ("cycle", "status", "2019", "--json", "--as", fp("DEU")),
    ("members", "list"),
    ("tasks", "--as", fp("DEU")),
]


@pytest.mark.parametrize("call", READS, ids=" ".join)
def test_a_read_only_call_never_imports_temporalio(call, tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "NAPREVIEW_HOME": str(tmp_path / "home"),
        "NAPREVIEW_TEMPORAL_ADDRESS": "127.0.0.1:9",  # nothing answers: no call may need it
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *call], env=env, capture_output=True, text=True, timeout=120
    )
    assert "temporalio loaded: False" in done.stderr, done.stderr
    # An unknown cycle is "not found" (4), said in words; everything else answers.
    assert done.returncode == (4 if "status" in call else 0), done.stderr
