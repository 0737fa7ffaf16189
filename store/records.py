"""The records of napreview: one ``Store`` per process owns the engine and its session factory,
and hands out one repository per aggregate (``store.members.get(code)``,
``store.letters.list(...)``). Every repository call is one transaction of its own and returns
models (schemas/) or frozen records defined beside the repository, never an ORM row.

A repository's module (and the models it returns) is imported when the store first hands it
out: a command-line call that reads members and the read model of reviews does not compile
the models of documents, follow-ups and accounts (issue #23, a call under half a second).

Safe to share between threads: sessions live only inside a call, and a repository is made
once, under a lock (the members' repository holds a cache).
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from sqlalchemy import Engine

from napreview.store.db import engine_for, session_factory

if TYPE_CHECKING:
    from napreview.store.accounts import AccountRepository
    from napreview.store.audit_reads import AuditReadRepository
    from napreview.store.cedaw import CedawRepository
    from napreview.store.chairs import ChairRepository
    from napreview.store.comments import CommentRepository
    from napreview.store.cycles import CycleRepository
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

R = TypeVar("R")


class _Repository(Generic[R]):
    """A repository of the store, made on first use from ``store.<module>``'s class."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = f"napreview.store.{module}", name

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.attribute = attribute

    @overload
    def __get__(self, store: None, owner: type) -> _Repository[R]: ...
    @overload
    def __get__(self, store: Store, owner: type) -> R: ...
    def __get__(self, store: Store | None, owner: type) -> Any:
        if store is None:
            return self
        with store._making:
            made = store.__dict__.get(self.attribute)  # another thread made it meanwhile
            if made is None:
                kind = getattr(importlib.import_module(self.module), self.name)
                made = store.__dict__[self.attribute] = kind(store.sessions)
        return made


class Store:
    """The engine, its sessions, and a repository per aggregate."""

    members: _Repository[MemberRepository] = _Repository("members", "MemberRepository")
    focal_points: _Repository[FocalPointRepository] = _Repository(
        "focal_points", "FocalPointRepository"
    )
    people: _Repository[PeopleRepository] = _Repository("people", "PeopleRepository")
    chairs: _Repository[ChairRepository] = _Repository("chairs", "ChairRepository")
    cycles: _Repository[CycleRepository] = _Repository("cycles", "CycleRepository")
    documents: _Repository[DocumentRepository] = _Repository("documents", "DocumentRepository")
    cedaw: _Repository[CedawRepository] = _Repository("cedaw", "CedawRepository")
    letters: _Repository[LetterRepository] = _Repository("letters", "LetterRepository")
    reviews: _Repository[ReviewRepository] = _Repository("reviews", "ReviewRepository")
    refusals: _Repository[RefusalRepository] = _Repository("refusals", "RefusalRepository")
    accounts: _Repository[AccountRepository] = _Repository("accounts", "AccountRepository")
    drafts: _Repository[DraftRepository] = _Repository("drafts", "DraftRepository")
    review_files: _Repository[ReviewFileRepository] = _Repository(
        "review_files", "ReviewFileRepository"
    )
    comments: _Repository[CommentRepository] = _Repository("comments", "CommentRepository")
    deputies: _Repository[DeputyRepository] = _Repository("deputies", "DeputyRepository")
    tokens: _Repository[TokenRepository] = _Repository("tokens", "TokenRepository")
    audit_reads: _Repository[AuditReadRepository] = _Repository(
        "audit_reads", "AuditReadRepository"
    )
    front_end_keys: _Repository[FrontEndKeyRepository] = _Repository(
        "front_end_keys", "FrontEndKeyRepository"
    )
    installation: _Repository[InstallationRepository] = _Repository(
        "installation", "InstallationRepository"
    )
    preferences: _Repository[PreferenceRepository] = _Repository(
        "preferences", "PreferenceRepository"
    )
    indicators: _Repository[IndicatorRepository] = _Repository("indicators", "IndicatorRepository")
    follow_ups: _Repository[FollowUpRepository] = _Repository("follow_ups", "FollowUpRepository")
    follow_up_consents: _Repository[FollowUpConsentRepository] = _Repository(
        "follow_up_consents", "FollowUpConsentRepository"
    )

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self._making = threading.Lock()

    @classmethod
    def from_url(cls, url: str) -> Store:
        """A Store on the process's one engine (and connection pool) for this URL."""
        return cls(engine_for(url))
