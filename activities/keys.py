"""The front-end keys the workers vouch for: what a workflow started without a parent checks
its start against (workflows/start.py). A local activity, so history records the answer and a
replay decides as the run did. The keys are those the front ends recorded in the store, which
nobody who only reaches Temporal can write."""

from __future__ import annotations

from temporalio import activity

from napreview.store.records import Store
from napreview.workflows import contract


class FrontEndKeys:
    def __init__(self, store: Store) -> None:
        self.store = store

    @activity.defn(name=contract.FRONT_END_KEYS)
    def front_end_keys(self) -> dict[str, str]:
        """Public Ed25519 keys by key id, retired ones left out."""
        return self.store.front_end_keys.vouched()
