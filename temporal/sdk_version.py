"""The one Temporal SDK version a napreview worker runs on.

Why: the update-order shim (update_order.py) reorders what the SDK hands a review on replay,
reading the SDK's internal activation messages; it was tested on this version only. Another
version may hand work over differently (or fix sdk-python #1591 itself), and a review replayed
wrongly is stuck for good, so a worker refuses to start on any other version rather than guess.
pyproject.toml and requirements.lock pin the same version (a test checks they agree).
"""

from __future__ import annotations

from importlib.metadata import version

TESTED_SDK = "1.35.0"


class UntestedSdk(SystemExit):
    """Ends the process with one line on stderr (exit 1), never a traceback: nothing a worker
    could do next would be safe."""


def installed_sdk() -> str:
    return version("temporalio")


def assert_tested_sdk(installed: str | None = None) -> None:
    """Raise UntestedSdk unless the installed temporalio is the one the shim was tested on."""
    installed = installed or installed_sdk()
    if installed != TESTED_SDK:
        raise UntestedSdk(
            f"The worker will not start: temporalio {installed} is installed, but napreview "
            f"needs temporalio {TESTED_SDK}, the only version its replay work-around for "
            "Temporal updates (temporal/update_order.py) was tested on. Install the locked "
            "versions with `make install` (or `pip install -r requirements.lock`)."
        )
