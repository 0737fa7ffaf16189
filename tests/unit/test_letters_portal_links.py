"""Letters point to the portal (issue #19): no letter, in any language, tells a diplomat to run
a command; each step a letter asks for is a link to the portal page where it is done, at the
installation's public address, on a path the portal serves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from napreview import templates
from napreview.letters.context import LetterContext
from napreview.letters.links import PortalLinks
from napreview.letters.render import render_letter
from napreview.schemas.letters import Addressee, LetterKind
from napreview.schemas.members import Language
from napreview.schemas.review import Stage
from napreview.web.routes import cycles, home, letters, people, reviews, signin

from .test_letters_render import FOCAL_POINTS, SCENES, SECRETARIAT, context, member, peer_reviews

PORTAL = "https://wps-fpn.example.org/portal"
_PAGES = [
    route
    for module in (cycles, home, letters, people, reviews, signin)
    for route in module.router.routes
    if isinstance(route, APIRoute) and "GET" in route.methods
]


def served(path: str) -> bool:
    """Whether the portal answers a GET on this path (a page a link can open)."""
    return any(route.path_regex.match(path) for route in _PAGES)


# (kind, stage) -> the pages the letter asks its reader to open, as LetterContext.links names them
ASKED: dict[tuple[LetterKind, Stage | None], tuple[str, ...]] = {
    (LetterKind.INVITATION, None): ("self_assessment", "replace"),
    (LetterKind.REMINDER, Stage.SELF_ASSESSMENT): ("self_assessment",),
    (LetterKind.REMINDER, Stage.PEER_REVIEW): ("peer_review", "recuse"),
    (LetterKind.REMINDER, Stage.SIGN_OFF): ("sign_off",),
    (LetterKind.OVERDUE, Stage.SELF_ASSESSMENT): ("self_assessment",),
    (LetterKind.OVERDUE, Stage.PEER_REVIEW): ("peer_review", "recuse"),
    (LetterKind.OVERDUE, Stage.SIGN_OFF): ("sign_off",),
    (LetterKind.REVIEW_REQUEST, None): ("peer_review", "recuse"),
    (LetterKind.RETURNED, None): ("self_assessment", "answers"),
    (LetterKind.REVIEWER_CHANGE, None): (),
    (LetterKind.FINAL_FEEDBACK, None): (),
    (LetterKind.WITHDRAWAL, None): (),
    (LetterKind.CYCLE_SUMMARY, None): (),
}
CASES = [(kind, stage, language) for (kind, stage) in ASKED for language in Language]


def letter_context(kind: LetterKind, stage: Stage | None, language: Language) -> LetterContext:
    _, troika, _ = SCENES[language]
    changes: dict[str, object] = {"portal_url": PORTAL}
    if stage is Stage.PEER_REVIEW:
        changes.update(
            stage=stage,
            recipient=FOCAL_POINTS[troika[0]],
            recipient_member=member(troika[0]),
        )
    elif stage is Stage.SIGN_OFF:
        changes.update(
            stage=stage, recipient=SECRETARIAT, addressee=Addressee.SECRETARIAT, copy_to=[]
        )
    elif stage is not None:
        changes.update(stage=stage)
    if kind is LetterKind.RETURNED:  # with peer recommendations still to answer
        changes.update(peer_reviews=peer_reviews(language, troika))
    return context(kind, language, **changes)


@pytest.mark.parametrize(
    ("kind", "stage", "language"),
    CASES,
    ids=[
        f"{lang.value}-{kind.value}-{stage.value if stage else ''}" for kind, stage, lang in CASES
    ],
)
def test_every_step_a_letter_asks_for_is_a_link_to_the_portal_page_where_it_is_done(
    kind: LetterKind, stage: Stage | None, language: Language
) -> None:
    ctx = letter_context(kind, stage, language)
    letter = render_letter(ctx)
    for body in (letter.subject, letter.text, letter.html):
        assert "napreview " not in body.lower()
        assert not re.search(r"(?<![-\w])--\w", body), "a command-line option"
    hrefs = re.findall(r'href="([^"]+)"', letter.html)
    for step in ASKED[(kind, stage)]:
        page = getattr(ctx.links, step)
        assert page in letter.text.replace("<", " ").replace(">", " ").split(), step
        assert page in hrefs, step
    for href in hrefs:
        assert href.startswith(PORTAL + "/"), href
        path = href.removeprefix(PORTAL).split("#")[0]
        assert served(path), f"{href}: no page of the portal at {path}"


def test_the_links_follow_the_portal_address_the_installation_gives() -> None:
    ctx = context(LetterKind.INVITATION, Language.FR, portal_url="https://fpn.example.int/")
    letter = render_letter(ctx)
    assert "https://fpn.example.int/reviews/2019/MLI/self-assessment" in letter.text.split()
    assert "localhost" not in letter.text + letter.html


def test_each_part_of_the_review_page_a_letter_points_to_is_there() -> None:
    """The links' fragments name parts of the review page: the page must still have them."""
    page = (Path(templates.__file__).parent / "portal" / "review.html").read_text()
    links = PortalLinks(PORTAL, "2019", "SEN")
    for step in ("answers", "sign_off", "replace", "recuse"):
        fragment = getattr(links, step).partition("#")[2]
        assert f'id="{fragment}"' in page, step
