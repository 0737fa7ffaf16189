"""Letters (DESIGN §7) rendered from hand-made contexts: escaping, fallback, digests, the pieces.

The golden files are produced from the real path (the letter activity over a real store) by
tests/test_letters_golden.py.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import re
import shutil
from pathlib import Path

import pytest
from jinja2 import FileSystemLoader

from napreview.i18n.translator import translator
from napreview.letters import render
from napreview.letters.context import (
    CedawFigures,
    CommentQuote,
    CycleSummaryData,
    GapCount,
    LetterContext,
    Person,
    PriorityKind,
    ReviewedBy,
    ReviewerChange,
    ThemeCount,
    prioritise,
)
from napreview.letters.render import (
    TEMPLATES_DIR,
    LetterRenderer,
    inputs_digest,
    render_letter,
)
from napreview.schemas.cedaw import (
    CedawResult,
    Finding,
    LinkageRating,
    Severity,
)
from napreview.schemas.letters import Addressee, LetterKind
from napreview.schemas.members import Language, Member, MemberKind
from napreview.schemas.nap import Gr30Theme
from napreview.schemas.network import MEMBERS_BY_CODE
from napreview.schemas.review import Stage
from napreview.schemas.submissions import (
    PeerReview,
    RecommendationResponse,
    RecommendationStatus,
    SelfAssessment,
)
from napreview.workflows.cedaw import check_linkage

GOLDEN = Path(__file__).parents[1] / "golden" / "letters"
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"
D = datetime.date


def member(code: str) -> Member:
    return MEMBERS_BY_CODE[code]


# --- fixed people and documents, one review per language -------------------------------------

FOCAL_POINTS: dict[str, Person] = {
    "DEU": Person(
        name="Anna Schmidt",
        title="Head of Division, Women, Peace and Security",
        ministry="Federal Foreign Office",
        email="fp.deu@example.org",
    ),
    "KEN": Person(
        name="Grace Wanjiru",
        title="Director, Gender Affairs",
        ministry="Ministry of Public Service, Youth and Gender Affairs",
        email="fp.ken@example.org",
    ),
    "MLI": Person(
        name="Aminata Traoré",
        title="Conseillère technique chargée du genre",
        ministry="Ministère des Affaires étrangères et de la Coopération internationale",
        email="fp.mli@example.org",
    ),
    "BEL": Person(
        name="Claire Dubois",
        title="Attachée, Femmes, paix et sécurité",
        ministry="SPF Affaires étrangères, Commerce extérieur et Coopération au Développement",
        email="fp.bel@example.org",
    ),
    "CHL": Person(
        name="María José Fernández",
        title="Jefa del Departamento de Derechos Humanos",
        ministry="Ministerio de Relaciones Exteriores",
        email="fp.chl@example.org",
    ),
    "ESP": Person(
        name="Lucía Martín Gómez",
        title="Embajadora en Misión Especial para la Igualdad de Género",
        ministry="Ministerio de Asuntos Exteriores, Unión Europea y Cooperación",
        email="fp.esp@example.org",
    ),
}

SECRETARIAT = Person(
    name="Secretariat of the WPS Focal Points Network",
    ministry="UN Women",
    email="secretariat@example.org",
)

# language -> (reviewed member, troika, (leaving reviewer, new reviewer, why))
SCENES: dict[Language, tuple[str, tuple[str, ...], tuple[str, str, ReviewerChange]]] = {
    Language.EN: ("DEU", ("KEN", "JPN", "URY"), ("JPN", "IDN", ReviewerChange.REPLACED)),
    Language.FR: ("MLI", ("BEL", "BGD", "GTM"), ("BGD", "JPN", ReviewerChange.RECUSED)),
    Language.ES: ("CHL", ("ESP", "AGO", "BGD"), ("AGO", "NAM", ReviewerChange.REASSIGNED)),
}

MISSIONS: dict[str, dict[Language, str]] = {
    "DEU": {Language.EN: "Permanent Mission of Germany to the United Nations"},
    "KEN": {Language.EN: "Permanent Mission of Kenya to the United Nations"},
    "MLI": {Language.FR: "Mission permanente du Mali auprès de l'Organisation des Nations Unies"},
    "BEL": {Language.FR: "Mission permanente de la Belgique auprès des Nations Unies"},
    "CHL": {Language.ES: "Misión Permanente de Chile ante las Naciones Unidas"},
    "ESP": {Language.ES: "Misión Permanente de España ante las Naciones Unidas"},
}

# What people typed, per language: the letters quote it, never translate it.
TYPED: dict[Language, dict[str, object]] = {
    Language.EN: {
        "title": "Action Plan of the Federal Government 2017-2020",
        "lead_agency": "Federal Foreign Office",
        "frequency": "annual",
        "evidence": {
            "P1": "Capital-level delegation confirmed for the 2019 annual meeting in Windhoek.",
            "P2": "Six women civil-society briefers at Security Council open debates in 2018.",
            "P4": "Sex-disaggregated indicators introduced in 2018; baseline survey under way.",
            "P6": "",
            "A1": "Focal point designated in 2016; second NAP adopted on 11 January 2017.\n"
            "Two federal states have adopted local plans.",
            "A2": "CEDAW articles now referenced in the NAP; GR30 to be cited in the next plan.",
            "B1": "Active member of the Group of Friends on WPS and of the Informal Experts Group.",
        },
        "comments": {
            "KEN": "A comprehensive plan with a dedicated budget.\n"
            "Reporting on local action plans could be more systematic.",
            "JPN": "Strong leadership on participation; alliances beyond the region are limited.",
            "URY": "The plan would benefit from closer work with civil society in monitoring.",
        },
        "recommendations": {
            "KEN": [
                "Publish the annual implementation report with sex-disaggregated data.",
                "Support women mediators from the Horn of Africa.",
            ],
            "JPN": ["Engage partners outside the Western European and Others Group."],
            "URY": ["Give civil society a formal role in monitoring the plan."],
        },
        "returned": "Please give evidence for recommendations P5 to P8, which are marked in "
        "progress without explanation, and state how the plan answers the CEDAW Committee's "
        "concluding observations of 2017.",
        "final": "The secretariat commends the clear evidence given for each recommendation and "
        "the responsiveness of the focal point during the revision.",
        "withdrawal": "At the request of the focal point, as the national action plan is being "
        "redrafted and a new plan will be adopted in 2020.",
        "change": "Japan and Germany co-chair a working group whose findings are under review.",
    },
    Language.FR: {
        "title": "Plan d'action national 2019-2023 pour la mise en œuvre de la résolution 1325",
        "lead_agency": "Ministère de la Promotion de la Femme, de l'Enfant et de la Famille",
        "frequency": "semestrielle",
        "evidence": {
            "P1": "Délégation de la capitale confirmée pour la réunion annuelle de Windhoek.",
            "P2": "Deux intervenantes de la société civile lors du débat public d'octobre 2018.",
            "P4": "Collecte de données ventilées par sexe engagée avec l'INSTAT.",
            "A1": "Point focal désigné en 2017 ; troisième plan adopté le 1er mars 2019.\n"
            "Des plans locaux existent dans les régions de Mopti et de Tombouctou.",
            "A2": "Les articles 2, 7 et 15 de la Convention sont cités dans le plan.",
            "B1": "Participation régulière aux travaux du Groupe des amis.",
        },
        "comments": {
            "BEL": "Un plan ambitieux, ancré dans les régions.\n"
            "Le financement reste dépendant des partenaires extérieurs.",
            "BGD": "La participation des femmes aux pourparlers de paix mérite d'être saluée.",
            "GTM": "Le suivi gagnerait à associer davantage les organisations de femmes.",
        },
        "recommendations": {
            "BEL": [
                "Inscrire une ligne budgétaire pour le plan dans la loi de finances.",
                "Publier un rapport annuel de mise en œuvre.",
            ],
            "BGD": ["Renforcer la formation des forces de défense aux questions de genre."],
            "GTM": ["Associer les organisations de femmes au comité de suivi du plan."],
        },
        "returned": "Merci de compléter les éléments de preuve pour les recommandations P5 à P8 "
        "et de préciser comment le plan répond aux observations finales du Comité de 2016.",
        "final": "Le secrétariat salue la qualité des éléments fournis et l'engagement du point "
        "focal tout au long de l'examen.",
        "withdrawal": "À la demande du point focal, en raison de la révision en cours du plan "
        "d'action national.",
        "change": "Le Bangladesh a signalé un conflit d'intérêts.",
    },
    Language.ES: {
        "title": "Segundo Plan de Acción Nacional para la implementación de la Resolución 1325",
        "lead_agency": "Ministerio de Relaciones Exteriores",
        "frequency": "anual",
        "evidence": {
            "P1": "Delegación de la capital confirmada para la reunión anual de Windhoek.",
            "P2": "Dos ponentes de la sociedad civil en el debate abierto de octubre de 2018.",
            "P4": "Indicadores desglosados por sexo incorporados al sistema de seguimiento.",
            "A1": "Punto focal designado en 2015; segundo plan adoptado el 5 de marzo de 2015.\n"
            "La Región de Magallanes prepara un plan regional.",
            "A2": "El plan cita los artículos 2, 3, 7 y 8 de la Convención.",
            "B1": "Participación activa en el Grupo de Amigos sobre Mujeres, Paz y Seguridad.",
        },
        "comments": {
            "ESP": "Un plan sólido con un sistema de seguimiento claro.\n"
            "La financiación podría detallarse por pilar.",
            "AGO": "Se valora la participación de mujeres en las misiones de paz.",
            "BGD": "Las alianzas fuera de la región son todavía escasas.",
        },
        "recommendations": {
            "ESP": [
                "Detallar el presupuesto del plan por pilar.",
                "Incluir a las organizaciones de mujeres en el comité de seguimiento.",
            ],
            "AGO": ["Compartir la experiencia en formación de mujeres policías."],
            "BGD": ["Promover alianzas con países de Asia y el Pacífico."],
        },
        "returned": "Se ruega completar la información de las recomendaciones P5 a P8 e indicar "
        "cómo responde el plan a las observaciones finales del Comité de 2018.",
        "final": "La secretaría agradece la calidad de la información aportada y la disposición "
        "del punto focal durante la revisión.",
        "withdrawal": "A petición del punto focal, debido a la revisión en curso del plan de "
        "acción nacional.",
        "change": "Angola no respondió a la solicitud de examen en el plazo previsto.",
    },
}

STATUSES = {
    "P1": "achieved", "P2": "achieved", "P3": "not_applicable", "P4": "in_progress",
    "P5": "in_progress", "P6": "not_started", "P7": "achieved", "P8": "in_progress",
    "P9": "achieved", "A1": "achieved", "A2": "in_progress", "A3": "not_applicable",
    "A4": "not_applicable", "A5": "not_started", "A6": "in_progress", "A7": "not_started",
    "A8": "achieved", "A9": "in_progress", "A10": "not_applicable", "B1": "achieved",
    "B2": "not_started", "B3": "in_progress", "B4": "achieved", "B5": "in_progress",
}  # fmt: skip


def self_assessment(
    language: Language, evidence: dict[str, str] | None = None, code: str | None = None
) -> SelfAssessment:
    """The self-assessment of the language's reviewed member (``code``: of another member): a
    plan that leaves out two GR30 themes and small arms, takes part in peace processes abroad
    without women in its delegations, and has not answered the Committee's observations."""
    typed = TYPED[language]
    evidence = evidence if evidence is not None else typed["evidence"]
    code = code or SCENES[language][0]
    return SelfAssessment.model_validate(
        {
            "nap": {
                "iteration": 2,
                "title": typed["title"],
                "adopted_on": "2017-01-11",
                "period_start": "2017-01-01",
                "period_end": "2020-12-31",
                "lead_agency": typed["lead_agency"],
                "pillars": ["participation", "prevention", "protection", "relief_and_recovery"],
                "budget": {"allocated": True, "amount": 1000000, "currency": "EUR"},
                "monitoring": {"framework": True, "reporting_frequency": typed["frequency"]},
                "civil_society_role": "monitoring",
                "local_action_plans": 2,
                "cedaw": {"articles_cited": ["2", "5(a)", "7", "8"], "cites_gr30": False},
                "gender_disaggregated_data": True,
                "gr30_themes": [
                    t.value
                    for t in Gr30Theme
                    if t not in (Gr30Theme.NATIONALITY, Gr30Theme.MARRIAGE_FAMILY)
                ],
                "small_arms": False,
                "abroad": {"donor_assistance": True, "peace_process_role": True},
            },
            "recommendations": [
                {"id": i, "status": status, "evidence": evidence.get(i, "")}
                for i, status in STATUSES.items()
            ],
            "cedaw_reporting": {
                "last_report_year": 2017,
                "covered_wps": True,
                "observations_on_wps": True,
                "nap_answers_observations": False,
                # an organisation reports to no treaty body
                **(
                    {
                        "observations_symbol": f"CEDAW/C/{code}/CO/9",
                        "observations_paragraphs": "27-28",
                    }
                    if member(code).kind is MemberKind.STATE
                    else {}
                ),
            },
        }
    )


def cedaw_result(code: str, language: Language) -> CedawResult:
    """What the check finds in the member's self-assessment (the real check, on the rules)."""
    return check_linkage(member(code), self_assessment(language, code=code))


def peer_reviews(language: Language, troika: tuple[str, ...]) -> list[ReviewedBy]:
    typed = TYPED[language]
    ratings = [
        {"participation": "strong", "accountability": "adequate", "alliances": "weak"},
        {"participation": "strong", "accountability": "strong", "alliances": "weak"},
        {"participation": "adequate", "accountability": "weak", "alliances": "adequate"},
    ]
    return [
        ReviewedBy(
            reviewer=member(code),
            review=PeerReview(
                ratings=rating,
                comments=typed["comments"][code],
                recommendations=typed["recommendations"][code],
            ),
        )
        for code, rating in zip(troika, ratings, strict=True)
    ]


def cycle_summary() -> CycleSummaryData:
    """Figures of a cycle of twelve, eight plans checked."""
    return CycleSummaryData(
        total_members=12,
        stages={
            Stage.SELF_ASSESSMENT: 2,
            Stage.PEER_REVIEW: 1,
            Stage.SIGN_OFF: 1,
            Stage.COMPLETED: 7,
            Stage.WITHDRAWN: 1,
        },
        overdue=[member("PER"), member("BGD")],
        cedaw=CedawFigures(
            ratings={
                LinkageRating.STRONG: 2,
                LinkageRating.PARTIAL: 4,
                LinkageRating.WEAK: 1,
                LinkageRating.NOT_APPLICABLE: 1,
            },
            themes=[ThemeCount(theme=t, plans=8 - i % 5) for i, t in enumerate(Gr30Theme)],
            common_gaps=[
                GapCount(code="OBSERVATIONS_NOT_ANSWERED", count=3),
                GapCount(code="NO_BUDGET", count=2),
                GapCount(code="SOMETHING_NEW", count=1, example="A finding the terms do not name."),
            ],
        ),
    )


def context(kind: LetterKind, language: Language, **changes: object) -> LetterContext:
    """The fixed context of one golden letter: a realistic moment of the language's review."""
    code, troika, (leaving, arriving, why) = SCENES[language]
    typed = TYPED[language]
    reviewer = troika[0]
    reviewed = member(code)
    base: dict[str, object] = {
        "kind": kind,
        "language": language,
        "cycle": "2019",
        "member": reviewed,
        "recipient": FOCAL_POINTS[code],
        "copy_to": [MISSIONS[code][language]],
        "chair": member("NAM"),
        "reviewers": [member(c) for c in troika],
    }
    if kind is LetterKind.INVITATION:
        base.update(date=D(2019, 2, 1), deadline=D(2019, 4, 2))
    elif kind is LetterKind.REMINDER:
        base.update(date=D(2019, 3, 26), deadline=D(2019, 4, 2))
    elif kind in (LetterKind.OVERDUE, LetterKind.REVIEW_REQUEST):
        overdue = kind is LetterKind.OVERDUE
        base.update(
            date=D(2019, 5, 3) if overdue else D(2019, 4, 2),
            deadline=D(2019, 5, 2),
            stage=Stage.PEER_REVIEW,
            recipient=FOCAL_POINTS[reviewer],
            recipient_member=member(reviewer),
            copy_to=[MISSIONS[reviewer][language]] + ([SECRETARIAT.name] if overdue else []),
        )
    elif kind in (LetterKind.REPORT_REMINDER, LetterKind.REPORT_OVERDUE):
        overdue = kind is LetterKind.REPORT_OVERDUE
        base.update(
            date=D(2020, 8, 31) if overdue else D(2020, 7, 31),
            deadline=D(2020, 8, 30),
            copy_to=[MISSIONS[code][language]] + ([SECRETARIAT.name] if overdue else []),
        )
    elif kind is LetterKind.REVIEWER_CHANGE:
        base.update(
            date=D(2019, 4, 10),
            previous_reviewer=member(leaving),
            new_reviewer=member(arriving),
            reviewer_change=why,
            reason=typed["change"],
            reviewers=[member(arriving if c == leaving else c) for c in troika],
        )
    elif kind is LetterKind.RETURNED:
        base.update(
            date=D(2019, 5, 20),
            deadline=D(2019, 7, 19),
            comments=typed["returned"],
            cedaw=cedaw_result(code, language),
        )
    elif kind is LetterKind.FINAL_FEEDBACK:
        base.update(
            date=D(2019, 8, 30),
            round=2,
            comments=typed["final"],
            self_assessment=self_assessment(language),
            peer_reviews=peer_reviews(language, troika),
            responses={
                f"{troika[0]}#1": RecommendationResponse.SUPPORTED,
                f"{troika[0]}#2": RecommendationResponse.NOTED,
                f"{troika[2]}#1": RecommendationResponse.SUPPORTED,
            },
            cedaw=cedaw_result(code, language),
        )
    elif kind is LetterKind.WITHDRAWAL:
        base.update(date=D(2019, 6, 3), reason=typed["withdrawal"])
    elif kind is LetterKind.CYCLE_SUMMARY:
        base.update(
            date=D(2019, 9, 16),
            member=member("NAM"),
            recipient=SECRETARIAT,
            addressee=Addressee.SECRETARIAT,
            copy_to=[],
            summary=cycle_summary(),
        )
    elif kind is LetterKind.COMMENT:
        # A reviewer asks the member a question in the review's conversation.
        quote = CommentQuote(
            author=f"fp.{reviewer.lower()}@example.org",
            author_member=member(reviewer),
            text=typed["withdrawal"],
        )
        base.update(date=D(2019, 4, 5), comment=quote)
    base.update(changes)
    return LetterContext.model_validate(base)


# --- golden files ------------------------------------------------------------------------------

CASES = [(kind, language) for language in Language for kind in LetterKind]


# --- what a person typed is data: escaped in HTML, literal in text, never evaluated ---------------

PAYLOAD = "Smith & Jones <script>alert(1)</script> {{ 7*7 }} {% raw %}"


def typed_everywhere(kind: LetterKind, language: Language) -> LetterContext:
    """The golden context with the payload in every field a person types."""
    code, troika, _ = SCENES[language]
    ctx = context(kind, language)
    recipient = ctx.recipient.model_copy(
        update={"name": PAYLOAD, "title": PAYLOAD, "ministry": PAYLOAD}
    )
    assessment = self_assessment(language, evidence=dict.fromkeys(STATUSES, PAYLOAD))
    assessment.nap.title = PAYLOAD
    assessment.nap.lead_agency = PAYLOAD
    reviews = [
        entry.model_copy(
            update={
                "review": entry.review.model_copy(
                    update={"comments": PAYLOAD, "recommendations": [PAYLOAD, PAYLOAD]}
                )
            }
        )
        for entry in peer_reviews(language, troika)
    ]
    cedaw = cedaw_result(code, language)
    cedaw.findings.append(
        Finding(code="UNKNOWN", severity=Severity.GAP, article="2", message=PAYLOAD)
    )
    return ctx.model_copy(
        update={
            "recipient": recipient,
            "copy_to": [PAYLOAD],
            "reason": PAYLOAD,
            "comments": PAYLOAD,
            "self_assessment": assessment if ctx.self_assessment else None,
            "peer_reviews": reviews if ctx.peer_reviews else [],
            "cedaw": cedaw if ctx.cedaw else None,
            "comment": ctx.comment.model_copy(update={"text": PAYLOAD}) if ctx.comment else None,
        }
    )


@pytest.mark.parametrize(
    ("kind", "language"), CASES, ids=[f"{lang.value}-{kind.value}" for kind, lang in CASES]
)
def test_typed_text_is_escaped_in_html_and_literal_in_text(
    kind: LetterKind, language: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_compiling(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("typed text must never be compiled as a template")

    monkeypatch.setattr("jinja2.Environment.from_string", no_compiling)
    letter = render_letter(typed_everywhere(kind, language))

    assert "<script>" not in letter.html
    assert "Smith &amp; Jones &lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% raw %}" in (
        " ".join(letter.html.split())
    )
    flowing_text = " ".join(letter.text.split())  # the text letter wraps long lines
    assert PAYLOAD in flowing_text
    assert re.search(r"&(amp|lt|gt|quot|#\d+);", letter.text) is None
    assert "49" not in letter.text
    assert "49" not in letter.html


def test_every_typed_field_of_the_final_letter_reaches_it_escaped() -> None:
    letter = render_letter(typed_everywhere(LetterKind.FINAL_FEEDBACK, Language.EN))
    escaped = "Smith &amp; Jones &lt;script&gt;"
    # The name (address and salutation), title, ministry, copy, 24 evidences, NAP title and
    # lead agency, 3 peer comments, 6 peer recommendations, the secretariat's comments, and the
    # finding the check could not name (in the findings table; among the further steps it is
    # named by its code).
    expected = 2 + 1 + 1 + 1 + 24 + 2 + 3 + 6 + 1 + 1
    assert letter.html.count(escaped) == expected
    assert " ".join(letter.text.split()).count(PAYLOAD) == expected


# --- language fallback ---------------------------------------------------------------------


def copy_of_templates(tmp_path: Path) -> Path:
    target = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_missing_translation_falls_back_to_english_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = copy_of_templates(tmp_path)
    (folder / "fr" / "withdrawal.j2").unlink()
    renderer = LetterRenderer(FileSystemLoader(folder))
    french = context(LetterKind.WITHDRAWAL, Language.FR)

    with caplog.at_level(logging.WARNING, logger="napreview.letters.render"):
        letter = renderer.render(french)

    assert letter.language is Language.EN
    assert letter.template == "en/withdrawal.j2"
    assert any(
        r.levelno == logging.WARNING and "withdrawal" in r.getMessage() and "'fr'" in r.getMessage()
        for r in caplog.records
    )
    # The letter is the English letter, word for word: nothing in it mentions the fallback.
    english = renderer.render(french.model_copy(update={"language": Language.EN}))
    assert letter.text == english.text
    assert letter.html == english.html
    assert "Dear Aminata Traoré," in letter.text
    # Other French letters are still French.
    assert renderer.render(context(LetterKind.INVITATION, Language.FR)).language is Language.FR


def test_a_kind_missing_in_english_too_is_an_error(tmp_path: Path) -> None:
    folder = copy_of_templates(tmp_path)
    (folder / "fr" / "withdrawal.j2").unlink()
    (folder / "en" / "withdrawal.j2").unlink()
    renderer = LetterRenderer(FileSystemLoader(folder))
    with pytest.raises(Exception, match="withdrawal"):
        renderer.render(context(LetterKind.WITHDRAWAL, Language.FR))


# --- digests ---------------------------------------------------------------------------------


def test_template_version_follows_the_sources_the_letter_uses(tmp_path: Path) -> None:
    folder = copy_of_templates(tmp_path)
    invitation = context(LetterKind.INVITATION, Language.EN)
    before = LetterRenderer(FileSystemLoader(folder)).render(invitation)
    assert before.template_version == render_letter(invitation).template_version

    with (folder / "en" / "withdrawal.j2").open("a", encoding="utf-8") as unrelated:
        unrelated.write("{# reworded #}\n")
    after_unrelated = LetterRenderer(FileSystemLoader(folder)).render(invitation)
    assert after_unrelated.template_version == before.template_version

    versions = {before.template_version}
    for used in ("en/invitation.j2", "en/letter.j2", "base.j2", "layouts/html.j2"):
        with (folder / used).open("a", encoding="utf-8") as source:
            source.write("{# reworded #}\n")
        changed = LetterRenderer(FileSystemLoader(folder)).render(invitation)
        assert changed.template_version not in versions, used
        assert changed.text == before.text  # a comment changes the source, not the letter
        versions.add(changed.template_version)


def test_template_version_follows_the_catalog_the_letter_takes_its_words_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invitation = context(LetterKind.INVITATION, Language.FR)
    before = LetterRenderer().render(invitation)
    catalog = tmp_path / "napreview.po"
    catalog.write_bytes(render.po_file("fr").read_bytes() + b"\n# a translator was here\n")
    monkeypatch.setattr(render, "po_file", lambda language: catalog)
    after = LetterRenderer().render(invitation)
    assert after.template_version != before.template_version
    assert after.text == before.text


def test_inputs_digest_follows_the_context_and_sha256_is_the_text_body() -> None:
    first = render_letter(context(LetterKind.REMINDER, Language.EN))
    again = render_letter(context(LetterKind.REMINDER, Language.EN))
    later = render_letter(context(LetterKind.REMINDER, Language.EN, deadline=D(2019, 4, 16)))

    assert first == again
    assert first.inputs_sha256 == inputs_digest(context(LetterKind.REMINDER, Language.EN))
    assert later.inputs_sha256 != first.inputs_sha256
    assert first.sha256 == hashlib.sha256(first.text.encode("utf-8")).hexdigest()
    assert later.sha256 != first.sha256
    assert "16 April 2019" in later.text


# --- the pieces ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "language", "expected"),
    [
        (D(2017, 1, 11), Language.EN, "11 January 2017"),
        (D(2017, 1, 11), Language.FR, "11 janvier 2017"),
        (D(2017, 1, 11), Language.ES, "11 de enero de 2017"),
        (D(2019, 3, 1), Language.FR, "1er mars 2019"),
        (D(2019, 8, 1), Language.ES, "1 de agosto de 2019"),
        (D(2020, 12, 31), Language.EN, "31 December 2020"),
    ],
)
def test_dates_are_written_as_each_language_writes_them(
    day: datetime.date, language: Language, expected: str
) -> None:
    assert translator(language).day(day) == expected


def test_at_most_five_priorities_the_heaviest_gaps_first_and_the_rest_grouped() -> None:
    recommended = prioritise(context(LetterKind.FINAL_FEEDBACK, Language.EN))
    first = recommended.priorities
    assert len(first) == 5
    # the gaps that weigh most for this plan (the Committee's observations weigh 2), at most
    # three; then the peer reviewers' weakest theme, most often rated weak first
    assert [(p.kind, p.finding.code if p.finding else p.theme) for p in first] == [
        (PriorityKind.CEDAW_GAP, "OBSERVATIONS_NOT_ANSWERED"),
        (PriorityKind.CEDAW_GAP, "SMALL_ARMS_NOT_ADDRESSED"),
        (PriorityKind.CEDAW_GAP, "DELEGATIONS_WITHOUT_WOMEN"),
        (PriorityKind.WEAK_THEME, "alliances"),
        (PriorityKind.WEAK_THEME, "accountability"),
    ]
    assert [m.code for m in first[3].weak_by] == ["KEN", "JPN"]
    gaps = [p.finding.theme for p in recommended.grouped(PriorityKind.CEDAW_GAP)]
    assert gaps == ["nationality", "marriage_family"]
    assert [p.recommendation for p in recommended.grouped(PriorityKind.NOT_STARTED)] == [
        "P6", "A5", "A7", "B2",
    ]  # fmt: skip
    assert [p.recommendation for p in recommended.grouped(PriorityKind.IN_PROGRESS)] == [
        "P4", "P5", "P8", "A2", "A6", "A9", "B3", "B5",
    ]  # fmt: skip
    text = " ".join(render_letter(context(LetterKind.FINAL_FEEDBACK, Language.EN)).text.split())
    assert "5. Strengthen the work under Accountability and Advocacy" in text
    assert "6." not in text.split("Recommendations in order of priority")[1]
    assert "Close the other gaps found by the CEDAW linkage check: nationality and " in text
    assert "Start work on recommendations P6, A5, A7 and B2, not yet started." in text


def test_a_plan_with_little_to_do_gets_only_what_it_needs() -> None:
    ctx = context(LetterKind.FINAL_FEEDBACK, Language.EN)
    done = ctx.self_assessment.model_copy(deep=True)
    for r in done.recommendations:
        r.status = RecommendationStatus.ACHIEVED
    recommended = prioritise(ctx.model_copy(update={"self_assessment": done, "peer_reviews": []}))
    assert len(recommended.priorities) == 5 and recommended.rest == []
    assert {p.kind for p in recommended.priorities} == {PriorityKind.CEDAW_GAP}


def test_unmarked_peer_recommendations_stand_as_noted() -> None:
    letter = render_letter(context(LetterKind.FINAL_FEEDBACK, Language.EN))
    assert "Supported: Publish the annual implementation report" in letter.text
    assert "Noted: Support women mediators" in letter.text
    assert "Noted (no response given): Engage partners outside" in " ".join(letter.text.split())


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("stage", [Stage.SELF_ASSESSMENT, Stage.PEER_REVIEW, Stage.SIGN_OFF])
@pytest.mark.parametrize("kind", [LetterKind.REMINDER, LetterKind.OVERDUE])
def test_reminders_and_overdue_notices_name_the_step_its_deadline_and_its_page(
    kind: LetterKind, stage: Stage, language: Language
) -> None:
    code, troika, _ = SCENES[language]
    changes: dict[str, object] = {"stage": stage, "deadline": D(2019, 5, 2)}
    if stage is Stage.PEER_REVIEW:
        changes.update(recipient=FOCAL_POINTS[troika[0]], recipient_member=member(troika[0]))
    if stage is Stage.SIGN_OFF:
        changes.update(recipient=SECRETARIAT, addressee=Addressee.SECRETARIAT, copy_to=[])
    letter = render_letter(context(kind, language, **changes))
    text = " ".join(letter.text.split())
    page = {
        Stage.SELF_ASSESSMENT: f"http://localhost:8000/reviews/2019/{code}/self-assessment",
        Stage.PEER_REVIEW: f"http://localhost:8000/reviews/2019/{code}/peer-review",
        Stage.SIGN_OFF: f"http://localhost:8000/reviews/2019/{code}#sign-off",
    }[stage]
    assert page in text.split()
    assert translator(language).day(D(2019, 5, 2)) in text
    assert letter.language is language


def test_a_leaving_reviewer_is_told_it_is_released() -> None:
    ctx = context(
        LetterKind.REVIEWER_CHANGE,
        Language.EN,
        recipient=FOCAL_POINTS["KEN"],
        recipient_member=member("KEN"),
        previous_reviewer=member("KEN"),
        reviewer_change=ReviewerChange.RECUSED,
    )
    text = " ".join(render_letter(ctx).text.split())
    assert "Kenya is no longer a reviewer of Germany in the 2019 review cycle" in text
    assert "following its recusal" in text
    assert "review troika of Germany is now" not in text


def test_a_regional_organisation_is_asked_about_its_regional_action_plan() -> None:
    ctx = context(LetterKind.INVITATION, Language.EN, member=member("AU"), copy_to=[], reviewers=[])
    text = " ".join(render_letter(ctx).text.split())
    assert "the regional action plan of the African Union" in text
    assert "http://localhost:8000/reviews/2019/AU/self-assessment" in text.split()
    assert "review troika drawn" not in text


def test_amounts_are_grouped_as_each_language_groups_them() -> None:
    texts = {
        language: render_letter(context(LetterKind.FINAL_FEEDBACK, language)).text
        for language in Language
    }
    assert "1,000,000 EUR" in texts[Language.EN]
    assert "1\u202f000\u202f000 EUR" in texts[Language.FR]
    assert "1.000.000 EUR" in texts[Language.ES]


def test_local_action_plans_left_blank_read_not_stated_never_zero() -> None:
    """A member that left the number blank said nothing: no letter puts a 0 in its mouth."""
    said = {Language.EN: "not stated", Language.FR: "non précisé", Language.ES: "no indicado"}
    for language in Language:
        ctx = context(LetterKind.FINAL_FEEDBACK, language)
        assert ctx.self_assessment is not None
        blank = ctx.self_assessment.nap.model_copy(update={"local_action_plans": None})
        assessment = ctx.self_assessment.model_copy(update={"nap": blank})
        text = render_letter(ctx.model_copy(update={"self_assessment": assessment})).text
        line = next(row for row in text.splitlines() if said[language] in row)
        assert "0" not in line, line


def test_a_letter_without_what_its_kind_needs_is_refused() -> None:
    with pytest.raises(ValueError, match="deadline"):
        context(LetterKind.INVITATION, Language.EN, deadline=None)
    with pytest.raises(ValueError, match="recipient_member"):
        context(LetterKind.REMINDER, Language.EN, stage=Stage.PEER_REVIEW)
    with pytest.raises(ValueError, match="reason"):
        context(LetterKind.WITHDRAWAL, Language.EN, reason=None)
    with pytest.raises(ValueError, match="summary"):
        context(LetterKind.CYCLE_SUMMARY, Language.EN, summary=None)


@pytest.mark.parametrize(
    ("kind", "language"), CASES, ids=[f"{lang.value}-{kind.value}" for kind, lang in CASES]
)
def test_html_letters_are_well_formed(kind: LetterKind, language: Language) -> None:
    html = render_letter(context(kind, language)).html
    assert html.startswith("<!DOCTYPE html>\n")
    assert f'<html lang="{language.value}">' in html
    assert balanced(html)


def balanced(html: str) -> bool:
    """Every element opened is closed, in order (void elements aside)."""
    from html.parser import HTMLParser

    void = {"br", "meta", "hr", "img", "link", "input"}
    stack: list[str] = []
    errors: list[str] = []

    class Checker(HTMLParser):
        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag not in void:
                stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            if not stack or stack.pop() != tag:
                errors.append(tag)

    Checker().feed(html)
    return not errors and not stack


def sparse(kind: LetterKind, language: Language) -> LetterContext:
    """Only what the kind needs: no title or ministry, no copy, no troika, no comments."""
    code, _, (leaving, _, why) = SCENES[language]
    needs: dict[str, object] = {
        "deadline": D(2019, 4, 2),
        "previous_reviewer": member(leaving),
        "reviewer_change": why,
        "reason": "—",
        "summary": CycleSummaryData(total_members=1, stages={}),
    }
    if kind is LetterKind.FINAL_FEEDBACK:
        needs["self_assessment"] = self_assessment(language, evidence={})
    if kind is LetterKind.REVIEW_REQUEST:
        needs["recipient_member"] = member("IDN")
    if kind is LetterKind.COMMENT:  # the secretariat's, which names no member
        needs["comment"] = CommentQuote(author="secretariat@example.org", text="Noted.")
    return LetterContext(
        kind=kind,
        language=language,
        cycle="2019",
        date=D(2019, 3, 1),
        member=member(code),
        recipient=Person(name="Focal point", email="fp@example.org"),
        chair=member("DEU"),
        **needs,
    )


@pytest.mark.parametrize(
    ("kind", "language"), CASES, ids=[f"{lang.value}-{kind.value}" for kind, lang in CASES]
)
def test_a_letter_with_only_what_its_kind_needs_reads_without_gaps(
    kind: LetterKind, language: Language
) -> None:
    letter = render_letter(sparse(kind, language))
    assert letter.language is language
    assert letter.subject and "\n" not in letter.subject
    for body in (letter.text, letter.html):
        assert "None" not in body
        flowing = " ".join(body.split())
        assert re.search(r" [,.](\s|$)|\( |\(\)", flowing) is None, "a blank left by a value"
    assert "Focal point" in letter.text


def test_spanish_joins_names_with_e_before_an_i_sound() -> None:
    ctx = context(LetterKind.INVITATION, Language.ES, reviewers=[member("ESP"), member("IDN")])
    assert "España e Indonesia" in " ".join(render_letter(ctx).text.split())


def test_the_cycle_figures_count_plans_per_rating_and_theme_and_name_no_member() -> None:
    results = [
        cedaw_result("DEU", Language.EN),
        cedaw_result("MLI", Language.FR),
        check_linkage(member("AU"), self_assessment(Language.EN, code="AU")),
    ]
    figures = CedawFigures.of(results)
    assert figures.ratings == {LinkageRating.PARTIAL: 2, LinkageRating.NOT_APPLICABLE: 1}
    assert figures.checked == 3
    counted = {row.theme.value: row.plans for row in figures.themes}
    assert counted["gender_based_violence"] == 3 and counted["nationality"] == 0
    # a missing theme is counted under its theme, not again among the gaps; ties come in the
    # order the check reports them
    assert [(g.code, g.count) for g in figures.common_gaps] == [
        ("OBSERVATIONS_NOT_ANSWERED", 2),
        ("SMALL_ARMS_NOT_ADDRESSED", 2),
        ("DELEGATIONS_WITHOUT_WOMEN", 2),
    ]
    summary = cycle_summary().model_copy(update={"cedaw": figures})
    letter = render_letter(context(LetterKind.CYCLE_SUMMARY, Language.EN, summary=summary))
    text = " ".join(letter.text.split())
    assert "Gender-based violence (paras 34–38): 3" in text
    assert "Partial: 2" in text and "names no member's rating" in text
    for code in ("DEU", "MLI", "AU"):
        assert member(code).name not in text
