"""An installation's records, opened once per process by each door (the command line, the
portal, the worker): migrated, and on a new installation seeded with the Network's 83 members
and, unless it is a production installation, the example people of DESIGN §10.4.

The doors hold the ``Store`` this gives them and hand it back to the services; they never read
or write through it themselves.
"""

from __future__ import annotations

from napreview.people.examples import add_example_people
from napreview.people.trial import close_trial, trial_open
from napreview.store.db import migrate
from napreview.store.records import Store

__all__ = ["Store", "open_store", "seed"]


def open_store(url: str, *, production: bool = False) -> Store:
    """The store at this URL, its schema brought up to date (a current one costs one query).
    A production installation (NAPREVIEW_PRODUCTION) has its trial door closed for good."""
    migrate(url)
    store = Store.from_url(url)
    if production and trial_open(store):
        close_trial(store, by="NAPREVIEW_PRODUCTION")
    return store


def seed(store: Store, *, production: bool = False) -> bool:
    """Seed an empty store with the Network's members and, on a trial installation, the example
    people (a production installation gets none: its people are invited by name). A store
    that already has members is left untouched (False)."""
    if store.members.count() > 0:
        return False
    from napreview.schemas.network import MEMBERS  # the 83 founding members: read once, here

    store.members.add_many(MEMBERS)
    if not production:
        add_example_people(store, MEMBERS)
    return True
