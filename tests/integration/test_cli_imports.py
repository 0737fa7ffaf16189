"""A command that only reads answers without loading what it does not use (issue #23): importing
temporalio is 40% of a short call, and `--help` or a read of the store needs none of it.
The rule (cli/app.py): a module of the command line imports Temporal only inside the commands
that talk to it, and the services they call for reads (services/overview.py) import none.
Nor does a read compile the forty models of the review (schemas/review.py: a stage is named
from schemas/stages.py), load argon2 (no password is checked), or Babel, Jinja2 and the PDF
process (no letter is composed)."""

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
HEAVY = ("temporalio", "napreview.schemas.review", "argon2", "babel", "jinja2")
atexit.register(lambda: print("loaded:", *[m for m in HEAVY if m in sys.modules], file=sys.stderr))
sys.argv = ["napreview", *sys.argv[1:]]
from napreview.cli.app import main
main()
"""

READS = [
    ("--help",),
    ("cycle", "status", "2019", "--as", SECRETARIAT),
    ("cycle", "status", "2019", "--json", "--as", fp("DEU")),
    ("members", "list"),
    ("members", "list", "--json"),
    ("letters", "list", "--as", fp("DEU")),
    ("tasks", "--as", fp("DEU")),
]
# A focal point's tasks include the follow-ups', whose models are built on the review's.
NEEDS_THE_REVIEWS_MODELS = {("tasks", "--as", fp("DEU"))}


@pytest.mark.parametrize("call", READS, ids=" ".join)
def test_a_read_only_call_imports_only_what_it_uses(call, tmp_path):
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
    said = [line for line in done.stderr.splitlines() if line.startswith("loaded:")]
    assert said, f"the call ended without its atexit (os._exit: Temporal's client): {done.stderr}"
    loaded = said[0]
    expected = ["napreview.schemas.review"] if call in NEEDS_THE_REVIEWS_MODELS else []
    assert loaded.split()[1:] == expected, done.stderr
    # An unknown cycle is "not found" (4), said in words; everything else answers.
    assert done.returncode == (4 if "status" in call else 0), done.stderr
