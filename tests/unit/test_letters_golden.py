"""Golden letters from the real path (issue #10): the letter activity over a real store (seeded
members and people, stored documents), in French to Belgium, in Spanish to Peru, in English to
the Netherlands, so what the tests see is what a recipient gets. And no English member name in
any French or Spanish letter, for any of the 83 members.

Regenerate the golden files after a deliberate change with
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_letters_golden.py`` and read the diff.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest

from napreview.activities.letters import LetterActivities
from napreview.i18n.names import name_forms
from napreview.schemas.letters import Addressee, LetterKind, LetterRequest
from napreview.schemas.members import Language, Location
from napreview.schemas.nap import Gr30Theme
from napreview.schemas.network import MEMBERS
from napreview.schemas.review import ReviewProjection
from napreview.schemas.submissions import DocumentKind, PeerReview, SelfAssessment
from napreview.store.focal_points import Designation
from napreview.store.records import Store
from napreview.workflows.cedaw import check_linkage

from .test_letters_render import TYPED, cedaw_result, self_assessment

GOLDEN = Path(__file__).parents[1] / "golden" / "letters"
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"
D = datetime.date
CYCLE = "2019"

# language -> reviewed member, troika (the first speaks the language), reviewer change, Chair
SCENES: dict[Language, tuple[str, tuple[str, str, str], tuple[str, str, str], str]] = {
    Language.FR: ("BEL", ("MLI", "NLD", "PHL"), ("NLD", "SEN", "recused"), "SEN"),
    Language.ES: ("PER", ("ARG", "USA", "PHL"), ("USA", "SLV", "reassigned"), "ESP"),
    Language.EN: ("NLD", ("KEN", "BEL", "ARE"), ("BEL", "PHL", "replaced"), "NAM"),
}

DATES = {
    LetterKind.INVITATION: D(2019, 2, 1),
    LetterKind.REMINDER: D(2019, 3, 26),
    LetterKind.OVERDUE: D(2019, 5, 3),
    LetterKind.REVIEW_REQUEST: D(2019, 4, 2),
    LetterKind.REVIEWER_CHANGE: D(2019, 4, 10),
    LetterKind.RETURNED: D(2019, 5, 20),
    LetterKind.FINAL_FEEDBACK: D(2019, 8, 30),
    LetterKind.WITHDRAWAL: D(2019, 6, 3),
    LetterKind.CYCLE_SUMMARY: D(2019, 9, 16),
    LetterKind.COMMENT: D(2019, 4, 5),
    LetterKind.REPORT_REMINDER: D(2020, 7, 31),
    LetterKind.REPORT_OVERDUE: D(2020, 8, 31),
}

PEER_WORDS = {
    Language.FR: ("Un plan solide, ancré dans les régions.", ["Publier un rapport annuel."]),
    Language.ES: ("Un plan sólido con un seguimiento claro.", ["Detallar el presupuesto."]),
    Language.EN: ("A comprehensive plan with a budget.", ["Publish an annual report."]),
}


COMMENTS = {
    Language.FR: "Le cadre de suivi est-il publié ?\nNous ne le trouvons pas en annexe.",
    Language.ES: "¿Se ha publicado el marco de seguimiento?\nNo figura en los anexos.",
    Language.EN: "Is the monitoring framework published?\nWe cannot find it in the annexes.",
}


class Scene:
    """One language's review, stored as the workflow would have stored it."""

    def __init__(self, store: Store, language: Language) -> None:
        self.store = store
        self.language = language
        self.member, self.troika, (self.leaving, self.arriving, self.why), self.chair = SCENES[
            language
        ]
        # The Chair the letters name is the one recorded for the cycle's year.
        store.chairs.record(int(CYCLE), [self.chair], by="secretariat@example.org")
        comments, recommendations = PEER_WORDS[language]
        self.sa = store.documents.save(
            kind=DocumentKind.SELF_ASSESSMENT,
            cycle=CYCLE,
            member=self.member,
            submitted_by="fp@example.org",
            body=self_assessment(language, code=self.member).model_dump(mode="json"),
        )
        self.reviews = [
            store.documents.save(
                kind=DocumentKind.PEER_REVIEW,
                cycle=CYCLE,
                member=self.member,
                reviewer=code,
                submitted_by="fp@example.org",
                body=PeerReview(
                    ratings={"participation": "strong", "accountability": "adequate",
                             "alliances": "weak"},
                    comments=comments,
                    recommendations=[*recommendations, f"{recommendations[0]} ({code})"],
                ).model_dump(mode="json"),
            )
            for code in self.troika
        ]  # fmt: skip
        self.cedaw = store.cedaw.save(
            CYCLE, self.member, self.sa.id, cedaw_result(self.member, language)
        )

    def request(self, kind: LetterKind) -> LetterRequest:
        typed = TYPED[self.language]
        fields: dict[str, object] = {
            "cycle": CYCLE,
            "member": self.member,
            "kind": kind,
            "chair": self.chair,
            "reviewers": list(self.troika),
            "stage": "self_assessment",
        }
        if kind in (LetterKind.INVITATION, LetterKind.REMINDER):
            fields["deadline"] = "2019-04-02"
        elif kind in (LetterKind.OVERDUE, LetterKind.REVIEW_REQUEST):
            fields.update(deadline="2019-05-02", stage="peer_review",
                          recipient_member=self.troika[0])  # fmt: skip
        elif kind is LetterKind.REVIEWER_CHANGE:
            fields.update(
                previous_reviewer=self.leaving,
                new_reviewer=self.arriving,
                reason=self.why,
                reviewers=[self.arriving if c == self.leaving else c for c in self.troika],
            )
        elif kind in (LetterKind.RETURNED, LetterKind.FINAL_FEEDBACK):
            returned = kind is LetterKind.RETURNED
            fields.update(
                round=1 if returned else 2,
                deadline="2019-07-19" if returned else None,
                comments=typed["returned" if returned else "final"],
                self_assessment_id=self.sa.id,
                peer_review_ids=[r.id for r in self.reviews],
                cedaw_result_id=self.cedaw.result_id,
                responses={f"{self.troika[0]}#1": "supported", f"{self.troika[2]}#1": "noted"},
            )
        elif kind is LetterKind.WITHDRAWAL:
            fields["reason"] = typed["withdrawal"]
        elif kind in (LetterKind.REPORT_REMINDER, LetterKind.REPORT_OVERDUE):
            # The first progress report on the follow-up of the review approved on 30 August.
            fields.update(deadline="2020-08-30", stage=None, reviewers=[])
        elif kind is LetterKind.CYCLE_SUMMARY:
            fields.update(member=self.chair, addressee=Addressee.SECRETARIAT, reviewers=[])
        elif kind is LetterKind.COMMENT:
            # The first reviewer asks the member a question in the review's conversation.
            reviewer = self.store.focal_points.active(self.troika[0])[0].email
            author = self.store.people.actor(reviewer)
            comment = self.store.comments.add(CYCLE, self.member, author, COMMENTS[self.language])
            fields.update(comment_id=comment.id, occasion=str(comment.id))
        return LetterRequest.model_validate(fields)


def record_cycle(store: Store) -> None:
    """A cycle of twelve with reviews at every stage, for the summary; the plans of the members
    past the check are checked, each plan a little different."""
    members = ["BEL", "PER", "NLD", "DEU", "KEN", "MLI", "CHL", "AU", "NAM", "JPN", "BGD", "USA"]
    store.cycles.record(
        cycle=CYCLE, seed=7, reviewers_per_member=3, chair="NAM", settings={},
        draw_sha256="0" * 64, started_by="secretariat@example.org",
        reviewers={m: ["ESP"] for m in members}, relaxed={},
    )  # fmt: skip
    stages = ["completed"] * 7 + ["self_assessment", "peer_review", "sign_off", "withdrawn"]
    for member, stage in zip(members, [*stages, "self_assessment"], strict=True):
        store.reviews.project(ReviewProjection(cycle=CYCLE, member=member, stage=stage, round=1,
                                               overdue=member in ("PER", "BGD")))  # fmt: skip
    plans: dict[str, dict[str, object]] = {
        "DEU": {"small_arms": True, "abroad": {"peace_process_role": True,
                                               "women_in_delegations": True}},
        "KEN": {"budget": {"allocated": False}, "gender_disaggregated_data": False,
                "gr30_themes": ["gender_based_violence", "participation"]},
        "MLI": {"monitoring": {"framework": False}},
        "CHL": {"gr30_themes": [t.value for t in Gr30Theme], "small_arms": True,
                "abroad": {"peace_process_role": True, "women_in_delegations": True}},
        "AU": {},
        "JPN": {"budget": {"allocated": False}},
    }  # fmt: skip
    for code, changes in plans.items():
        document = self_assessment(Language.EN, code=code).model_dump(mode="json")
        document["nap"].update(changes)
        document["cedaw_reporting"]["nap_answers_observations"] = code == "CHL"
        assessment = SelfAssessment.model_validate(document)
        row = store.documents.save(kind=DocumentKind.SELF_ASSESSMENT, cycle=CYCLE, member=code,
                                   submitted_by="fp@example.org", body=document)  # fmt: skip
        result = check_linkage(store.members.get(code), assessment)
        store.cedaw.save(CYCLE, code, row.id, result)


def send(store: Store, tmp_path: Path, scene: Scene, kind: LetterKind):  # type: ignore[no-untyped-def]
    activities = LetterActivities(store, tmp_path / "letters", clock=lambda: DATES[kind])
    return activities.store_and_file(scene.request(kind))


@pytest.fixture
def stored(store: Store) -> Store:
    # The Permanent Missions of the members reviewed have a focal point of their own: they are
    # copied by email, and only they are named in copy (the reviewers' missions are not).
    for member, name, email, title in (
        ("BEL", "Marc Janssens", "wps@belgium-mission.example.org", "Premier secrétaire"),
        ("PER", "Lucía Quispe", "wps@peru-mission.example.org", "Primera Secretaria"),
        ("NLD", "Anna de Vries", "wps@netherlands-mission.example.org", "First Secretary"),
    ):
        store.focal_points.designate(Designation(
            member=member, name=name, email=email, location=Location.NEW_YORK_MISSION, title=title,
        ))  # fmt: skip
    record_cycle(store)
    return store


CASES = [(kind, language) for language in Language for kind in LetterKind]


@pytest.mark.parametrize(
    ("kind", "language"), CASES, ids=[f"{lang.value}-{kind.value}" for kind, lang in CASES]
)
def test_letter_from_the_activity_matches_golden_file(
    kind: LetterKind, language: Language, stored: Store, tmp_path: Path
) -> None:
    row = send(stored, tmp_path, Scene(stored, language), kind)
    assert row.language == language.value
    for suffix, body in ((".txt", row.body_text), (".html", row.body_html)):
        path = GOLDEN / language.value / f"{kind.value}{suffix}"
        if UPDATE_GOLDEN:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
        assert path.exists(), f"{path} is missing; run with UPDATE_GOLDEN=1 to write it"
        assert body == path.read_text(encoding="utf-8"), (
            f"{path} differs; if the change is intended, run with UPDATE_GOLDEN=1 and read the diff"
        )


def flowing(text: str) -> str:
    return " ".join(text.split())


RESOLUTION_WITHOUT_YEAR = re.compile(r"(resolution|résolution|resolución) 1325(?! \(2000\))")


def test_the_letters_cite_resolution_1325_with_its_year() -> None:
    """United Nations style cites a resolution with its year, "resolution 1325 (2000)", in each
    language: every letter template says it so (a plan's own title, typed by the member, is
    quoted as it is, so the rendered letters are not the place to look)."""
    templates = Path(__file__).parents[2] / "templates" / "letters"
    cited = {
        str(path.relative_to(templates)): found
        for path in sorted(templates.rglob("*.j2"))
        if (found := RESOLUTION_WITHOUT_YEAR.findall(flowing(path.read_text(encoding="utf-8"))))
    }
    assert not cited


def test_a_french_letter_to_belgium_reads_as_french(stored: Store, tmp_path: Path) -> None:
    scene = Scene(stored, Language.FR)
    invitation = flowing(send(stored, tmp_path, scene, LetterKind.INVITATION).body_text)
    assert "Madame," in invitation and "Nous vous prions d'agréer, Madame," in invitation
    assert "d'inviter la Belgique à participer" in invitation
    assert "l'auto-évaluation de la Belgique" in invitation
    assert "assurée par le Sénégal" in invitation
    assert "se compose du Mali, des Pays-Bas et des Philippines" in invitation
    assert "Mission permanente de la Belgique auprès de l'Organisation des Nations Unies" in (
        invitation
    )
    request = flowing(send(stored, tmp_path, scene, LetterKind.REVIEW_REQUEST).body_text)
    assert "le Mali a été tiré au sort comme membre de la troïka d'examen de la Belgique" in request
    change = flowing(send(stored, tmp_path, scene, LetterKind.REVIEWER_CHANGE).body_text)
    assert "Les Pays-Bas se sont désistés" in change
    assert "Le Sénégal a été tiré au sort" in change
    final = flowing(send(stored, tmp_path, scene, LetterKind.FINAL_FEEDBACK).body_text)
    assert "fréquence des rapports : semestrielle" in final
    assert "réalisés par le Mali, les Pays-Bas et les Philippines" in final
    assert "recommandent à la Belgique de prendre" in final
    assert "Nous vous invitons à" in final


def test_a_spanish_letter_to_peru_reads_as_spanish(stored: Store, tmp_path: Path) -> None:
    scene = Scene(stored, Language.ES)
    invitation = flowing(send(stored, tmp_path, scene, LetterKind.INVITATION).body_text)
    assert "Estimada Sra. Quispe:" in invitation
    assert "de invitar al Perú a participar" in invitation
    assert "Misión Permanente del Perú ante las Naciones Unidas" in invitation
    assert "que ejerce España" in invitation
    assert "integrada por la Argentina, los Estados Unidos y Filipinas" in invitation
    final = flowing(send(stored, tmp_path, scene, LetterKind.FINAL_FEEDBACK).body_text)
    assert "conclusiones del examen del Perú" in final
    assert "observaciones finales del examen" not in final
    assert "Se recomienda" in final
    assert "realizados por la Argentina, los Estados Unidos y Filipinas" in final
    change = flowing(send(stored, tmp_path, scene, LetterKind.REVIEWER_CHANGE).body_text)
    assert "Dado que los Estados Unidos no habían presentado su examen" in change
    assert "El Salvador ha sido elegido por sorteo" in change
    nl = Scene(stored, Language.EN)
    nl.member, nl.troika = "PER", ("NLD", "ARG", "USA")
    review_request = LetterRequest(
        cycle=CYCLE, member="NLD", kind=LetterKind.REVIEW_REQUEST, chair="ESP",
        recipient_member="ARG", reviewers=["ARG", "PER"], deadline="2019-05-02",
        stage="peer_review",
    )  # fmt: skip
    activities = LetterActivities(stored, tmp_path / "l", clock=lambda: D(2019, 4, 2))
    text = flowing(activities.store_and_file(review_request).body_text)
    assert "la Argentina ha sido elegida por sorteo como miembro de la troika de examen de los" in (
        text
    )


def test_an_english_letter_to_the_netherlands_reads_as_english(stored: Store, tmp_path):
    scene = Scene(stored, Language.EN)
    invitation = flowing(send(stored, tmp_path, scene, LetterKind.INVITATION).body_text)
    assert "Dear Ms. Bakker," in invitation
    assert "to invite the Netherlands to take part" in invitation
    assert "Permanent Mission of the Netherlands to the United Nations" in invitation
    final = flowing(send(stored, tmp_path, scene, LetterKind.FINAL_FEEDBACK).body_text)
    assert "the peer reviews by Kenya, Belgium and the United Arab Emirates" in final
    assert "recommend that the Netherlands take" in final


def test_the_cycle_summary_goes_to_the_chair_and_the_members(stored: Store, tmp_path) -> None:
    row = send(stored, tmp_path, Scene(stored, Language.EN), LetterKind.CYCLE_SUMMARY)
    assert row.recipient == "fp.nam@example.org"
    assert "secretariat@example.org" not in [row.recipient, *row.cc]
    assert "fp.bel@example.org" in row.cc and "fp.usa@example.org" in row.cc
    text = flowing(row.body_text)
    assert "Dear Ambassador Shikongo," in text
    assert "Chair of the Network (Namibia)" in text


def test_the_returned_letter_says_what_to_change(stored: Store, tmp_path: Path) -> None:
    scene = Scene(stored, Language.FR)
    text = flowing(send(stored, tmp_path, scene, LetterKind.RETURNED).body_text)
    assert TYPED[Language.FR]["returned"] in text
    assert "Le plan ne prévoit aucune mesure sur le thème « nationalité et apatridie »" in text
    # MLI#1 was marked supported and PHL#1 noted: the others are still open.
    assert "MLI#2" in text and "NLD#1" in text and "PHL#2" in text
    assert "MLI#1" not in text and "PHL#1 " not in text


def english_names(code: str) -> set[str]:
    member = next(m for m in MEMBERS if m.code == code)
    return {member.name, name_forms(member, Language.EN).short}


@pytest.mark.parametrize("language", [Language.FR, Language.ES])
def test_no_english_member_name_in_any_french_or_spanish_letter(
    language: Language, store: Store, tmp_path: Path
) -> None:
    """Every member as reviewed member, reviewer, new reviewer and Chair, in letters to a
    member that writes in the language, through the activity's own context."""
    activities = LetterActivities(store, tmp_path / "letters", clock=lambda: D(2019, 4, 2))
    addressee = "BEL" if language is Language.FR else "PER"
    for member in MEMBERS:
        others = [m.code for m in MEMBERS if m.code not in (member.code, addressee)][:2]
        store.chairs.record(int(CYCLE), [member.code], by="secretariat@example.org")  # named
        requests = [
            LetterRequest(cycle=CYCLE, member=member.code, kind=LetterKind.REVIEW_REQUEST,
                          chair=member.code, recipient_member=addressee, deadline="2019-05-02",
                          stage="peer_review", reviewers=[addressee, *others]),
            LetterRequest(cycle=CYCLE, member=addressee, kind=LetterKind.REVIEWER_CHANGE,
                          chair=member.code, previous_reviewer=others[0],
                          new_reviewer=member.code, reason="replaced",
                          reviewers=[member.code, others[1]]),
            LetterRequest(cycle=CYCLE, member=addressee, kind=LetterKind.INVITATION,
                          chair=member.code, deadline="2019-05-02", reviewers=[member.code]),
        ]  # fmt: skip
        for request in requests:
            context = activities.context_for(request)
            assert context.language is language
            from napreview.letters.render import render_letter

            letter = render_letter(context)
            local = name_forms(member, language).short
            for english in english_names(member.code) - {local}:
                for body in (letter.text, letter.html):
                    found = re.search(rf"\b{re.escape(english)}\b", flowing(body))
                    assert found is None, f"{english!r} in a {language.value} {request.kind} letter"
            assert local in letter.text
