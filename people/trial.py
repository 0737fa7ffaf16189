"""The trial door (DESIGN §10.4, issue #20 item 3): on a trial installation the example people
may be acted as with `--as EMAIL` and sign in to the portal with the documented example
password. Closing the door is for good: the example password is removed, `--as` refused, and
the store keeps that it happened, so no restart and no later setting opens it again.

It closes with `napreview users clear-example-passwords`, or on the first start of any door
with NAPREVIEW_PRODUCTION=true. Only an installation that never had the example password gets
it, once, from `napreview up`."""

from __future__ import annotations

from napreview.people.accounts import Accounts
from napreview.store.installation import EXAMPLE_PASSWORDS_GIVEN, TRIAL_CLOSED
from napreview.store.records import Store


def trial_open(store: Store) -> bool:
    return store.installation.flag(TRIAL_CLOSED) is None


def close_trial(store: Store, by: str) -> int:
    """Close the trial door for good; returns how many example passwords were removed."""
    store.installation.set_flag(TRIAL_CLOSED, by)
    return Accounts(store).clear_example_passwords()


def give_example_passwords_once(store: Store) -> int:
    """The example password for the example people of a trial installation that never had it:
    its first `up`. A restart, or an installation whose door is closed, gets none."""
    if not trial_open(store) or store.installation.flag(EXAMPLE_PASSWORDS_GIVEN) is not None:
        return 0
    if not store.installation.set_flag(EXAMPLE_PASSWORDS_GIVEN, "up"):
        return 0  # another process gave them meanwhile
    return Accounts(store).give_example_passwords()
