"""A draft women-peace-and-security section for a member's next CEDAW periodic report (GR30 para
84, issue #22), in English, French or Spanish, as text and HTML.

Built from what napreview already holds: the plan the review assessed, the peer recommendations
the member supported, the gaps the CEDAW linkage check found (each with its GR30 paragraphs), and
the member's indicator values (GR30 para 83: trends, by sex). It is a draft for the member's
drafters, never sent anywhere.

Follow-up items (status per recommendation) come in as ``DraftItem``s, so that ``compose``
depends on no follow-up code; ``draft`` reads them from the review's follow-up (``items_of``).
With none, the section on follow-up is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import escape
from temporalio.client import Client

from napreview.i18n.translator import Translator, translator
from napreview.i18n.typography import french_spacing, french_spacing_html
from napreview.schemas.cedaw import CedawResult, Severity
from napreview.schemas.indicators import Indicator, IndicatorValue, Reading, ValueKind
from napreview.schemas.members import Actor, Language, Member
from napreview.schemas.nap import Nap
from napreview.schemas.review import RecommendationResponse
from napreview.services import documents, indicators
from napreview.services.follow_up import views
from napreview.store.records import Store

STATUSES = ("not_started", "under_way", "done", "not_pursued")


@dataclass(frozen=True)
class DraftItem:
    """One follow-up item as the draft cites it: what was recommended, where it stands
    (``STATUSES``), the tags the report cites (the GR30 paragraphs and the article of the
    Convention it answers) and, for an item not pursued, why."""

    text: str
    status: str
    gr30_paragraphs: str | None = None
    article: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReportDraft:
    member: str
    cycle: str
    language: str
    title: str
    sections: list[Section]

    def as_text(self) -> str:
        lines = [self.title, "=" * len(self.title), ""]
        for s in self.sections:
            if s.heading:
                lines += [s.heading, "-" * len(s.heading), ""]
            for p in s.paragraphs:
                lines += [p, ""]
            lines += [f"  - {point}" for point in s.points] + ([""] if s.points else [])
        text = "\n".join(lines).rstrip() + "\n"
        return french_spacing(text) if self.language == "fr" else text

    def as_html(self) -> str:
        """A fragment drafters paste into their report; everything typed is escaped."""
        out = [f'<section lang="{self.language}">', f"<h1>{escape(self.title)}</h1>"]
        for s in self.sections:
            if s.heading:
                out.append(f"<h2>{escape(s.heading)}</h2>")
            out += [f"<p>{escape(p)}</p>" for p in s.paragraphs]
            if s.points:
                out.append("<ul>" + "".join(f"<li>{escape(p)}</li>" for p in s.points) + "</ul>")
        out.append("</section>")
        page = "\n".join(out) + "\n"
        return french_spacing_html(page) if self.language == "fr" else page


# Each language's words for the draft; {member_name}, {member_of} as i18n.translator.about gives.
_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Women and peace and security (general recommendation No. 30, para. 84)",
        "intro": (
            "In accordance with paragraph 84 of general recommendation No. 30, this section "
            "reports on the implementation of the Security Council's agenda on women and peace "
            "and security by {member_name}, in particular through its national action plan."
        ),
        "plan_heading": "A. The national action plan",
        "plan": "{title}, adopted on {adopted}, covering {start} to {end} (pillars: {pillars}).",
        "no_plan": "The plan's details are to be added: no self-assessment describes it yet.",
        "review_heading": "B. The peer review of the {network}",
        "supported": (
            "In review cycle {cycle}, {member_name} supported the following recommendations of "
            "its peer reviewers:"
        ),
        "none_supported": "In review cycle {cycle}, no peer recommendation was marked supported.",
        "cedaw_heading": "C. Linkage with the Convention",
        "gaps": (
            "The review read the plan against the Convention through general recommendation "
            "No. 30 and found these areas for action:"
        ),
        "no_gaps": "The review found no gap in the plan's linkage with the Convention.",
        "gap": "{label} (general recommendation No. 30, {para} {paragraphs})",
        "para": "para.",
        "paras": "paras.",
        "colon": ": ",
        "indicators_heading": "D. Indicators (general recommendation No. 30, paras. 83 and 84)",
        "values": "Values recorded for the plan's indicators, with their sources:",
        "no_values": "No indicator values are recorded yet; add them before the report is sent.",
        "followup_heading": "E. Follow-up to the recommendations",
        "followup": "Where the implementation of each recommendation stands:",
        "women": "women",
        "men": "men",
        "total": "total",
        "baseline": "baseline",
        "target": "target",
        "measured": "measured",
        "source": "source",
        "reason": "reason",
        "article": "article",
        "not_started": "not started",
        "under_way": "under way",
        "done": "done",
        "not_pursued": "not pursued",
        "draft_note": (
            "Draft prepared from the records of the Network's review; to be checked and completed "
            "by the national authorities before it is included in the periodic report."
        ),
    },
    "fr": {
        "title": "Les femmes et la paix et la sécurité (recommandation générale nº 30, par. 84)",
        "intro": (
            "Conformément au paragraphe 84 de la recommandation générale nº 30, la présente "
            "section rend compte de la mise en œuvre par {member_name} du programme du Conseil de "
            "sécurité pour les femmes et la paix et la sécurité, notamment au moyen du plan "
            "d'action national."
        ),
        "plan_heading": "A. Le plan d'action national",
        "plan": "{title}, adopté le {adopted}, pour la période du {start} au {end} (piliers : "
        "{pillars}).",
        "no_plan": "Les caractéristiques du plan restent à ajouter : aucune auto-évaluation ne le "
        "décrit encore.",
        "review_heading": "B. L'examen par les pairs du {network}",
        "supported": (
            "Lors du cycle d'examen {cycle}, les recommandations suivantes des examinateurs ont "
            "été soutenues par {member_name} :"
        ),
        "none_supported": "Lors du cycle d'examen {cycle}, aucune recommandation des examinateurs "
        "n'a été marquée comme soutenue.",
        "cedaw_heading": "C. Lien avec la Convention",
        "gaps": (
            "L'examen a lu le plan à la lumière de la Convention et de la recommandation générale "
            "no 30, et a relevé les domaines d'action suivants :"
        ),
        "no_gaps": "L'examen n'a relevé aucune lacune dans le lien entre le plan et la Convention.",
        "gap": "{label} (recommandation générale nº 30, {para} {paragraphs})",
        "para": "par.",
        "paras": "par.",
        "colon": " : ",
        "indicators_heading": "D. Indicateurs (recommandation générale nº 30, par. 83 et 84)",
        "values": "Valeurs enregistrées pour les indicateurs du plan, avec leurs sources :",
        "no_values": "Aucune valeur d'indicateur n'est encore enregistrée ; elles sont à ajouter "
        "avant la présentation du rapport.",
        "followup_heading": "E. Suite donnée aux recommandations",
        "followup": "État de la mise en œuvre de chaque recommandation :",
        "women": "femmes",
        "men": "hommes",
        "total": "total",
        "baseline": "valeur de référence",
        "target": "cible",
        "measured": "mesure",
        "source": "source",
        "reason": "motif",
        "article": "article",
        "not_started": "non commencée",
        "under_way": "en cours",
        "done": "réalisée",
        "not_pursued": "abandonnée",
        "draft_note": (
            "Projet établi à partir des dossiers de l'examen du Réseau ; à vérifier et à compléter "
            "par les autorités nationales avant son insertion dans le rapport périodique."
        ),
    },
    "es": {
        "title": "Las mujeres y la paz y la seguridad (recomendación general núm. 30, párr. 84)",
        "intro": (
            "De conformidad con el párrafo 84 de la recomendación general núm. 30, la presente "
            "sección informa sobre la aplicación por {member_name} de la agenda del Consejo de "
            "Seguridad sobre las mujeres y la paz y la seguridad, en particular mediante su plan "
            "de acción nacional."
        ),
        "plan_heading": "A. El plan de acción nacional",
        "plan": "{title}, aprobado el {adopted}, para el período comprendido entre el {start} y "
        "el {end} (pilares: {pillars}).",
        "no_plan": "Quedan por añadir los datos del plan: ninguna autoevaluación lo describe "
        "todavía.",
        "review_heading": "B. El examen entre pares de la {network}",
        "supported": (
            "En el ciclo de examen {cycle}, las siguientes recomendaciones de los examinadores "
            "recibieron el apoyo {member_of}:"
        ),
        "none_supported": "En el ciclo de examen {cycle}, no se marcó como apoyada ninguna "
        "recomendación de los examinadores.",
        "cedaw_heading": "C. Vínculo con la Convención",
        "gaps": (
            "El examen leyó el plan a la luz de la Convención y de la recomendación general "
            "núm. 30, y señaló las siguientes esferas de acción:"
        ),
        "no_gaps": "El examen no señaló ninguna deficiencia en el vínculo del plan con la "
        "Convención.",
        "gap": "{label} (recomendación general núm. 30, {para} {paragraphs})",
        "para": "párr.",
        "paras": "párrs.",
        "colon": ": ",
        "indicators_heading": "D. Indicadores (recomendación general núm. 30, párrs. 83 y 84)",
        "values": "Valores registrados para los indicadores del plan, con sus fuentes:",
        "no_values": "Todavía no se ha registrado ningún valor de indicador; deben añadirse antes "
        "de presentar el informe.",
        "followup_heading": "E. Seguimiento de las recomendaciones",
        "followup": "Estado de la aplicación de cada recomendación:",
        "women": "mujeres",
        "men": "hombres",
        "total": "total",
        "baseline": "valor de referencia",
        "target": "meta",
        "measured": "medición",
        "source": "fuente",
        "reason": "motivo",
        "article": "artículo",
        "not_started": "no iniciada",
        "under_way": "en curso",
        "done": "cumplida",
        "not_pursued": "descartada",
        "draft_note": (
            "Proyecto preparado a partir de los registros del examen de la Red; las autoridades "
            "nacionales deben verificarlo y completarlo antes de incluirlo en el informe "
            "periódico."
        ),
    },
}


def compose(
    member: Member,
    cycle: str,
    language: str,
    *,
    nap: Nap | None,
    supported: Sequence[str],
    cedaw: CedawResult | None,
    values: Sequence[IndicatorValue],
    catalogue: Sequence[Indicator],
    items: Sequence[DraftItem] = (),
) -> ReportDraft:
    """The draft from what the review and the store hold (pure: no I/O)."""
    w = _WORDS.get(language, _WORDS["en"])
    t = translator(language)
    about = t.about(member)
    sections = [
        Section("", [w["intro"].format(**about)]),
        _plan(w, t, nap),
        Section(
            w["review_heading"].format(network=t.word("network")),
            [(w["supported"] if supported else w["none_supported"]).format(cycle=cycle, **about)],
            list(supported),
        ),
        _cedaw(w, t, cedaw),
        _indicators(w, language, values, catalogue),
    ]
    if items:
        sections.append(_followup(w, t, items))
    sections.append(Section("", [w["draft_note"]]))
    return ReportDraft(member.code, cycle, language, w["title"], sections)


def _plan(w: dict[str, str], t: Translator, nap: Nap | None) -> Section:
    if nap is None:
        return Section(w["plan_heading"], [w["no_plan"]])
    said = w["plan"].format(
        title=nap.title,
        adopted=t.day(nap.adopted_on),
        start=t.day(nap.period_start),
        end=t.day(nap.period_end),
        pillars=t.join([t.term("pillar", p.value) for p in nap.pillars]),
    )
    return Section(w["plan_heading"], [said])


def _cedaw(w: dict[str, str], t: Translator, cedaw: CedawResult | None) -> Section:
    gaps = [f for f in (cedaw.findings if cedaw else []) if f.severity is Severity.GAP]
    if not gaps:
        return Section(w["cedaw_heading"], [w["no_gaps"]])
    points = []
    for f in gaps:
        if f.code == "THEME_NOT_ADDRESSED" and f.theme:
            label = t.term("gr30_theme", f.theme)
        else:
            label = t.words("gap_label").get(f.code) or f.code
        points.append(_cited(w, t, label, f.gr30_paragraph or "84"))
    return Section(w["cedaw_heading"], [w["gaps"]], points)


def _cited(w: dict[str, str], t: Translator, label: str, paragraphs: str) -> str:
    """A label with the GR30 paragraphs it rests on: "para. 84", "paras. 58–61"."""
    several = any(c in paragraphs for c in "-,\u2013")
    return w["gap"].format(
        label=label, para=w["paras" if several else "para"], paragraphs=t.paragraphs(paragraphs)
    )


def _indicators(
    w: dict[str, str],
    language: str,
    values: Sequence[IndicatorValue],
    catalogue: Sequence[Indicator],
) -> Section:
    if not values:
        return Section(w["indicators_heading"], [w["no_values"]])
    titles = {i.id: i.title[language] for i in catalogue}
    order = {ValueKind.BASELINE: 0, ValueKind.MEASURED: 1, ValueKind.TARGET: 2}
    points = [
        f"{titles.get(v.indicator, v.indicator)} ({v.indicator}), {v.period}, "
        f"{w[v.kind.value]}{w['colon']}{_reading(w, v.reading)} "
        f"({w['source']}{w['colon']}{v.source})"
        for v in sorted(values, key=lambda v: (v.indicator, order[v.kind], v.period))
    ]
    return Section(w["indicators_heading"], [w["values"]], points)


def _reading(w: dict[str, str], r: Reading) -> str:
    if r.text:
        return r.text
    parts = [
        f"{w[name]} {_number(value)}"
        for name, value in (("women", r.women), ("men", r.men), ("total", r.total))
        if value is not None
    ]
    return ", ".join(parts)


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:g}"


def _followup(w: dict[str, str], t: Translator, items: Sequence[DraftItem]) -> Section:
    points = []
    for item in items:
        said = f"{item.text}{w['colon']}{w.get(item.status, item.status.replace('_', ' '))}"
        if item.gr30_paragraphs:
            said = _cited(w, t, said, item.gr30_paragraphs)
        if item.article:
            said += f" ({w['article']} {item.article})"
        if item.reason:
            said += f" ({w['reason']}{w['colon']}{item.reason})"
        points.append(" ".join(said.split()))
    return Section(w["followup_heading"], [w["followup"]], points)


async def draft(
    client: Client,
    store: Store,
    actor: Actor,
    cycle: str,
    member: str,
    language: str | None = None,
) -> ReportDraft:
    """The draft for a member's review, read by its focal points, the secretariat and auditors
    (refused and recorded for anyone else); in the member's language unless one is asked for.
    Its follow-up's items, once the review has one, say what became of each recommendation."""
    import asyncio

    code = await asyncio.to_thread(indicators.readable_member, store, actor, member)
    dossier = await documents.dossier(client, store, actor, cycle, code)

    def read() -> tuple[Member, list[IndicatorValue], list[Indicator], list[DraftItem]]:
        return (
            store.members.get(code),
            indicators.values(store, actor, code),
            indicators.catalogue(store, actor, code),
            items_of(store, cycle, code),
        )

    found, values, catalogue, items = await asyncio.to_thread(read)
    assessment = dossier.latest_self_assessment
    supported = [
        r.text for r in dossier.recommendations if r.response is RecommendationResponse.SUPPORTED
    ]
    return compose(
        found,
        cycle,
        Language(language or found.language).value,
        nap=assessment.nap if assessment else None,
        supported=supported,
        cedaw=dossier.cedaw,
        values=values,
        catalogue=catalogue,
        items=items,
    )


def items_of(store: Store, cycle: str, member: str) -> list[DraftItem]:
    """The items of the review's follow-up as the draft cites them (none before it has one)."""
    record = store.follow_ups.get(cycle, member)
    return [
        DraftItem(
            item.text,
            item.status.value,
            gr30_paragraphs=item.tags.gr30_paragraph,
            article=item.tags.cedaw_article,
        )
        for item in (views(record) if record is not None else [])
    ]
