"""`napreview follow-up publish` and `unpublish` (issue #22): only the member's focal point gives
or withdraws consent to publish its follow-up; each is kept with who and when, and anyone else
is refused (exit 3) and recorded. The same service as the portal's consent page."""

from __future__ import annotations

from napreview.services import publication, users

from ..helpers import AUDITOR, SECRETARIAT, fp
from ..published import published_follow_up
from .test_cli import napreview  # noqa: F401 (fixture)


def test_only_the_members_focal_point_publishes_and_withdraws(store, napreview):  # noqa: F811
    cycle = published_follow_up(store)
    assert publication.published(store, cycle, "DEU") is None  # nothing public by default

    for other in (SECRETARIAT, AUDITOR, fp("MEX")):
        refused = napreview("follow-up", "publish", cycle, "DEU", "--as", other)
        assert refused.exit_code == 3, refused.output
        assert "only the focal point of DEU" in refused.output
    assert store.follow_up_consents.current(cycle, "DEU") is None
    assert [r.step for r in store.refusals.of_review(cycle, "DEU")] == ["publish_follow_up"] * 3

    given = napreview("follow-up", "publish", cycle, "deu", "--as", fp("DEU"))
    assert given.exit_code == 0, given.output
    assert f"/public/follow-ups/{cycle}/DEU" in given.output
    shown = publication.published(store, cycle, "DEU")
    assert shown is not None and [i.status.value for i in shown.items] == ["under_way"]
    again = napreview("follow-up", "publish", cycle, "DEU", "--as", fp("DEU"))
    assert again.exit_code == 0  # giving it twice records it once

    withdrawn = napreview("follow-up", "unpublish", cycle, "DEU", "--as", fp("DEU"))
    assert withdrawn.exit_code == 0 and "is not public" in withdrawn.output
    assert publication.published(store, cycle, "DEU") is None
    kept = store.follow_up_consents.history(cycle, "DEU")
    person = users.actor(store, fp("DEU")).ref
    assert [(c.public, c.by) for c in kept] == [(True, person), (False, person)]
    assert kept[0].at <= kept[1].at

    # A member with no follow-up in the cycle has nothing to publish.
    none = napreview("follow-up", "publish", cycle, "MEX", "--as", fp("MEX"))
    assert none.exit_code != 0 and "There is no follow-up of MEX" in none.output
