"""The follow-ups' read model on SQLite and PostgreSQL: what each follow-up published, with its
items' wording, found by member, by cycle and still open; a late projection changes nothing."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

from napreview.schemas.follow_up import FollowUpItem, FollowUpState, ItemSeed, ItemSource

from .test_races import at_once

AT = datetime(2027, 3, 1, tzinfo=UTC)


def published(cycle: str, member: str, *, closed: bool = False, at: datetime = AT) -> FollowUpState:
    item = FollowUpItem(
        key="network:P4", source=ItemSource.NETWORK_RECOMMENDATION, source_ref="P4",
        text_sha256="0" * 64,
    )  # fmt: skip
    return FollowUpState(
        cycle=cycle,
        member=member,
        items=[item],
        drawn=True,
        closed_at=at if closed else None,
        as_of=at,
    )


def test_follow_ups_are_read_with_their_wording_by_member_cycle_and_openness(any_store):
    follow_ups = any_store.follow_ups
    seed = ItemSeed(key="network:P4", source=ItemSource.NETWORK_RECOMMENDATION,
                    source_ref="P4", text_sha256="0" * 64)  # fmt: skip
    for cycle, member in (("2027", "DEU"), ("2027", "MEX"), ("2029", "DEU")):
        follow_ups.keep_items(cycle, member, [(seed, f"Data by sex ({cycle} {member})")])
        follow_ups.keep_items(cycle, member, [(seed, "written once only")])
    follow_ups.project(published("2027", "DEU", closed=True))
    follow_ups.project(published("2027", "MEX"))
    follow_ups.project(published("2029", "DEU"))

    germany = follow_ups.of_member("DEU")
    assert [r.state.cycle for r in germany] == ["2029", "2027"]
    assert germany[0].texts == {"network:P4": "Data by sex (2029 DEU)"}
    assert [r.state.member for r in follow_ups.of_cycle("2027")] == ["DEU", "MEX"]
    assert {(r.state.cycle, r.state.member) for r in follow_ups.still_open()} == {
        ("2027", "MEX"),
        ("2029", "DEU"),
    }
    assert len(follow_ups.all()) == 3
    assert follow_ups.get("2027", "FRA") is None

    # A projection older than the one kept (by the follow-up's clock) changes nothing.
    follow_ups.project(published("2027", "MEX", closed=True, at=AT - timedelta(days=1)))
    found = follow_ups.get("2027", "MEX")
    assert found is not None and found.state.closed_at is None


def test_of_two_projections_of_the_same_moment_the_later_published_is_kept(any_store):
    """A step and the close published in one workflow task share the follow-up's clock; the
    close (published after) stays whichever lands last."""
    follow_ups = any_store.follow_ups
    step = published("2027", "DEU").model_copy(update={"published": 4})
    close = published("2027", "DEU", closed=True).model_copy(update={"published": 5})
    follow_ups.project(close)
    follow_ups.project(step)  # its activity finished second
    found = follow_ups.get("2027", "DEU")
    assert found is not None and found.state.closed_at is not None
    follow_ups.project(step.model_copy(update={"published": 6}))  # a later one of that moment
    found = follow_ups.get("2027", "DEU")
    assert found is not None and found.state.closed_at is None


def test_projections_landing_at_once_keep_the_latest(any_store):
    """Projections of one moment written by parallel activity threads: the row is held from its
    read to its write, so the one published last is what stays (seen: the close lost to the
    acknowledgement's projection written a moment after it)."""
    follow_ups = any_store.follow_ups
    follow_ups.project(published("2027", "DEU"))
    states = [
        published("2027", "DEU", closed=n == 30).model_copy(update={"published": n})
        for n in range(1, 31)
    ]
    landed = at_once([functools.partial(follow_ups.project, s) for s in reversed(states)])
    assert not [r for r in landed if isinstance(r, Exception)]
    found = follow_ups.get("2027", "DEU")
    assert found is not None and found.state.published == 30 and found.state.closed_at
