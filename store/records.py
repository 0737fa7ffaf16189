"""The records of napreview: one ``Store`` per process owns the engine and its session factory,
and hands out one repository per aggregate (``store.members.get(code)``,
``store.letters.list(...)``). Every repository call is one transaction of its own and returns
models (schemas/) or frozen records defined beside the repository, never an ORM row.

Safe to share between threads: sessions live only inside a call.
"""

from __future__ import annotations

from sqlalchemy import Engine

from napreview.store.accounts import AccountRepository
from napreview.store.audit_reads import AuditReadRepository
from napreview.store.cedaw import CedawRepository
from napreview.store.chairs import ChairRepository
from napreview.store.comments import CommentRepository
from napreview.store.cycles import CycleRepository
from napreview.store.db import engine_for, session_factory
from napreview.store.deputies import DeputyRepository
from napreview.store.documents import DocumentRepository
from napreview.store.drafts import DraftRepository
from napreview.store.focal_points import FocalPointRepository
from napreview.store.follow_up_consents import FollowUpConsentRepository
from napreview.store.follow_ups import FollowUpRepository
from napreview.store.front_end_keys import FrontEndKeyRepository
from napreview.store.indicators import IndicatorRepository
from napreview.store.installation import InstallationRepository
from napreview.store.letters import LetterRepository
from napreview.store.members import MemberRepository
from napreview.store.people import PeopleRepository
from napreview.store.preferences import PreferenceRepository
from napreview.store.refusals import RefusalRepository
from napreview.store.review_files import ReviewFileRepository
from napreview.store.reviews import ReviewRepository
from napreview.store.tokens import TokenRepository


class Store:
    """The engine, its sessions, and a repository per aggregate."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        sessions = session_factory(engine)
        self.members = MemberRepository(sessions)
        self.focal_points = FocalPointRepository(sessions)
        self.people = PeopleRepository(sessions)
        self.chairs = ChairRepository(sessions)
        self.cycles = CycleRepository(sessions)
        self.documents = DocumentRepository(sessions)
        self.cedaw = CedawRepository(sessions)
        self.letters = LetterRepository(sessions)
        self.reviews = ReviewRepository(sessions)
        self.refusals = RefusalRepository(sessions)
        self.accounts = AccountRepository(sessions)
        self.drafts = DraftRepository(sessions)
        self.review_files = ReviewFileRepository(sessions)
        self.comments = CommentRepository(sessions)
        self.deputies = DeputyRepository(sessions)
        self.tokens = TokenRepository(sessions)
        self.audit_reads = AuditReadRepository(sessions)
        self.front_end_keys = FrontEndKeyRepository(sessions)
        self.installation = InstallationRepository(sessions)
        self.preferences = PreferenceRepository(sessions)
        self.indicators = IndicatorRepository(sessions)
        self.follow_ups = FollowUpRepository(sessions)
        self.follow_up_consents = FollowUpConsentRepository(sessions)

    @classmethod
    def from_url(cls, url: str) -> Store:
        """A Store on the process's one engine (and connection pool) for this URL."""
        return cls(engine_for(url))
