"""The draft women-peace-and-security section of a CEDAW periodic report (issue #22): what it
cites, in each language, as text and as HTML."""

from __future__ import annotations

from datetime import UTC, datetime

from napreview.i18n.translator import translator
from napreview.i18n.typography import french_spacing
from napreview.schemas.examples import example_self_assessment
from napreview.schemas.follow_up import ItemStatus
from napreview.schemas.indicators import IndicatorValue, Reading, ValueKind, global_catalogue
from napreview.schemas.network import MEMBERS_BY_CODE
from napreview.services.cedaw_report import DraftItem, compose
from napreview.workflows.cedaw import check_linkage

NLD = MEMBERS_BY_CODE["NLD"]
SUPPORTED = ["Fund women's peacebuilding organisations <directly>"]


def _plan():
    plan = example_self_assessment(NLD)
    nap = plan.nap.model_copy(
        update={"budget": plan.nap.budget.model_copy(update={"allocated": False})}
    )
    return plan.model_copy(update={"nap": nap})


def _value(indicator: str, kind: ValueKind, period: str, **reading: float) -> IndicatorValue:
    return IndicatorValue(
        indicator=indicator,
        member="NLD",
        period=period,
        kind=kind,
        reading=Reading(**reading),
        source="House of Representatives",
        recorded_by="p-1",
        recorded_at=datetime(2025, 1, 10, tzinfo=UTC),
    )


VALUES = [
    _value("SG-09", ValueKind.TARGET, "2026", women=50, men=50, total=100),
    _value("SG-09", ValueKind.MEASURED, "2024", women=40, men=60, total=100),
    _value("SG-09", ValueKind.BASELINE, "2020", women=33, men=67, total=100),
]
ITEMS = [
    DraftItem(SUPPORTED[0], "under_way", gr30_paragraphs="46(c)", article="7"),
    DraftItem("Allocate a budget to the plan", "not_pursued", "28(a)", reason="budget cycle"),
]


def _draft(language: str, items=ITEMS, values=VALUES):
    plan = _plan()
    return compose(
        NLD,
        "2019",
        language,
        nap=plan.nap,
        supported=SUPPORTED,
        cedaw=check_linkage(NLD, plan),
        values=values,
        catalogue=global_catalogue().indicators,
        items=items,
    )


def test_the_english_draft_cites_gr30_for_each_gap_and_gives_values_and_items():
    text = _draft("en").as_text()
    assert text.startswith("Women and peace and security (general recommendation No. 30, para. 84)")
    assert "by the Netherlands, in particular through its national action plan" in text
    assert "In review cycle 2019, the Netherlands supported" in text
    assert f"  - {SUPPORTED[0]}" in text
    assert "no budget allocated to the plan (general recommendation No. 30, para. 28(a))" in text
    assert "(general recommendation No. 30, paras. 58\u201361)" in text  # a range is "paras."
    # baseline, measured, target: the trend the Committee asks for (para 83)
    sg09 = [line for line in text.splitlines() if "(SG-09)" in line]
    assert [line.split(", ")[2].split(":")[0] for line in sg09] == [
        "baseline", "measured", "target",
    ]  # fmt: skip
    assert "2024, measured: women 40, men 60, total 100 (source: House of Representatives)" in text
    assert f"{SUPPORTED[0]}: under way (general recommendation No. 30, para. 46(c))" in text
    assert "Allocate a budget to the plan: not pursued (general recommendation No. 30, para. " \
        "28(a)) (reason: budget cycle)" in text  # fmt: skip


def test_the_french_and_spanish_drafts_speak_their_language():
    french = _draft("fr").as_text()
    assert "mise en œuvre par les Pays-Bas du programme du Conseil de sécurité" in french
    assert "ont été acceptées par les Pays-Bas\u00a0:" in french
    assert "aucun budget alloué au plan (recommandation générale nº 30, par. 28 a))" in french
    assert "mesure\u00a0: femmes 40, hommes 60, total 100" in french
    assert "Réseau des points focaux pour les femmes et la paix et la sécurité" in french
    assert "en cours (recommandation générale nº 30, par. 46 c)) (article 7)" in french
    spanish = _draft("es").as_text()
    assert "contaron con el apoyo de los Países Bajos:" in spanish
    assert "(recomendación general núm. 30, párrs. 58 a 61)" in spanish
    assert "medición: mujeres 40, hombres 60, total 100 (fuente: House of Representatives)" in (
        spanish
    )
    assert "sin curso (recomendación general núm. 30, párr. 28 a)) (motivo: budget cycle)" in (
        spanish
    )


def test_without_items_or_values_the_draft_says_what_is_missing():
    text = _draft("en", items=(), values=()).as_text()
    assert "Follow-up to the recommendations" not in text
    assert "No indicator values are recorded yet; add them before the report is sent." in text


def test_the_html_escapes_what_people_typed():
    page = _draft("en").as_html()
    assert '<section lang="en">' in page and "<h2>A. The national action plan</h2>" in page
    assert "organisations &lt;directly&gt;" in page and "<directly>" not in page
    assert "<ul><li>" in page


def test_statuses_read_as_on_the_follow_up_pages():
    """One vocabulary: an item's status in the draft is the word the follow-up pages show."""
    for language in ("en", "fr", "es"):
        t = translator(language)
        items = [DraftItem(f"Item {s.value}", s.value) for s in ItemStatus]
        text = " ".join(_draft(language, items=items).as_text().split())
        for s in ItemStatus:
            said = t.gettext("{recommendation}: {status}", recommendation=f"Item {s.value}",
                             status=t.term("item_status", s))  # fmt: skip
            assert " ".join(french_spacing(said).split()) in text, (language, s)
