"""Finding things by name: members (by code or by their name in any of the three languages),
their reviews and letters, for the command line and the portal alike. A person finds only what
they may read (services/access.py): members are public, reviews and letters are not."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from napreview.i18n.names import name_forms
from napreview.schemas.members import Actor, Language, Member
from napreview.services import access
from napreview.store.letters import LetterSummary
from napreview.store.records import Store
from napreview.store.reviews import ReviewRecord

# What one search shows of each kind: a person refines the words rather than read pages.
SHOWN = 50


@dataclass(frozen=True)
class Found:
    words: str
    members: list[Member]
    reviews: list[ReviewRecord]
    letters: list[LetterSummary]


def folded(text: str) -> str:
    """``text`` as searches compare it: without accents or case ("Sénégal" is "senegal")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def names_of(member: Member) -> list[str]:
    """Everything a member is called: its code and its names in English, French and Spanish."""
    return [member.code, member.name, *(name_forms(member, lang).short for lang in Language)]


def search(store: Store, actor: Actor, words: str) -> Found:
    """Members whose code or name holds the words, the reviews of those members the person
    reads, and the letters they read by subject, id or member (newest first)."""
    words = words.strip()[:100]
    if not words:
        return Found(words, [], [], [])
    wanted = folded(words)
    members = [
        m for m in store.members.all() if any(wanted in folded(name) for name in names_of(m))
    ][:SHOWN]
    codes = [m.code for m in members]
    reviews = [
        r
        for code in codes
        for r in store.reviews.of_member(code)
        if access.can_read_review(store, actor, r.cycle, r.member)
    ][:SHOWN]
    letters = store.letters.matching(
        words, codes, addressed_to=access.letters_scope(actor), limit=SHOWN
    )
    return Found(words, members, reviews, letters)
