"""The portal pages a letter sends its reader to (issue #19): every step a letter asks for is
done on a page of the portal, so the letter gives that page's address, never a command.

The paths are the portal's routes (web/routes/reviews.py); a fragment names the part of the
review page where the step is (its answers, its sign-off, the reviewers' requests).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PortalLinks:
    """The pages of one member's review in one cycle, at the portal's public address."""

    portal_url: str
    cycle: str
    member: str

    @property
    def review(self) -> str:
        """The review page: where it stands, its letters, the secretariat's decisions."""
        return f"{self.portal_url.rstrip('/')}/reviews/{self.cycle}/{self.member}"

    @property
    def follow_up(self) -> str:
        """The follow-up of the completed review: its items and the progress report asked for."""
        return f"{self.review}/follow-up"

    @property
    def conversation(self) -> str:
        """The review's conversation, where its members and the secretariat write to each other."""
        return f"{self.review}#conversation"

    @property
    def self_assessment(self) -> str:
        """The self-assessment form (it saves drafts and checks each answer)."""
        return f"{self.review}/self-assessment"

    @property
    def peer_review(self) -> str:
        """The peer review form of a reviewer of the troika."""
        return f"{self.review}/peer-review"

    @property
    def answers(self) -> str:
        """Where the reviewed member marks each peer recommendation supported or noted."""
        return f"{self.review}#recommendations"

    @property
    def sign_off(self) -> str:
        """Where the secretariat approves the review or returns it for revision."""
        return f"{self.review}#sign-off"

    @property
    def replace(self) -> str:
        """Where the reviewed member asks once for a reviewer to be replaced."""
        return f"{self.review}#replace"

    @property
    def recuse(self) -> str:
        """Where a reviewer withdraws from the review troika."""
        return f"{self.review}#recuse"
