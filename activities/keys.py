"""The front-end keys the workers vouch for: what a workflow started without a parent checks
its start against (workflows/start.py). A local activity, so history records the answer and a
replay decides as the run did."""

from __future__ import annotations

from collections.abc import Callable

from temporalio import activity

from napreview.workflows import contract


class FrontEndKeys:
    def __init__(self, keys: Callable[[], dict[str, str]]) -> None:
        self.keys = keys

    @activity.defn(name=contract.FRONT_END_KEYS)
    def front_end_keys(self) -> dict[str, str]:
        """Public Ed25519 keys by key id, as the front ends registered them."""
        return self.keys()
