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


@dataclass(frozen=True)
class DraftItem:
    """One follow-up item as the draft cites it: what was recommended, where it stands
    (an ``ItemStatus`` value), the tags the report cites (the GR30 paragraphs and the article of
    the Convention it answers) and, for an item not pursued, why."""

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
    """The draft from what the review and the store hold (pure: no I/O), in the words of the
    catalogs the portal and the letters use, so a status or a theme reads the same everywhere."""
    t = translator(language)
    about = t.about(member)
    if supported:
        review = t.gettext(
            "In review cycle {cycle}, {member_name} supported the following recommendations of "
            "its peer reviewers:",
            cycle=cycle,
            **about,
        )
    else:
        review = t.gettext(
            "In review cycle {cycle}, no peer recommendation was marked supported.", cycle=cycle
        )
    sections = [
        Section(
            "",
            [
                t.gettext(
                    "In accordance with paragraph 84 of general recommendation No. 30, this "
                    "section reports on the implementation of the Security Council's agenda on "
                    "women and peace and security by {member_name}, in particular through its "
                    "national action plan.",
                    **about,
                )
            ],
        ),
        _plan(t, nap),
        Section(
            t.gettext("B. The peer review of the {network}", network=t.word("network")),
            [review],
            list(supported),
        ),
        _cedaw(t, cedaw),
        _indicators(t, values, catalogue),
    ]
    if items:
        sections.append(_followup(t, items))
    note = t.gettext(
        "Draft prepared from the records of the Network's review; to be checked and completed "
        "by the national authorities before it is included in the periodic report."
    )
    sections.append(Section("", [note]))
    title = t.gettext("Women and peace and security (general recommendation No. 30, para. 84)")
    return ReportDraft(member.code, cycle, language, title, sections)


def _plan(t: Translator, nap: Nap | None) -> Section:
    heading = t.gettext("A. The national action plan")
    if nap is None:
        return Section(
            heading,
            [t.gettext("The plan's details are to be added: no self-assessment describes it yet.")],
        )
    said = t.gettext(
        "{title}, adopted on {adopted}, covering {start} to {end} (pillars: {pillars}).",
        title=nap.title,
        adopted=t.day(nap.adopted_on),
        start=t.day(nap.period_start),
        end=t.day(nap.period_end),
        pillars=t.join([t.term("pillar", p.value) for p in nap.pillars]),
    )
    return Section(heading, [said])


def _cedaw(t: Translator, cedaw: CedawResult | None) -> Section:
    heading = t.gettext("C. Linkage with the Convention")
    gaps = [f for f in (cedaw.findings if cedaw else []) if f.severity is Severity.GAP]
    if not gaps:
        return Section(
            heading,
            [t.gettext("The review found no gap in the plan's linkage with the Convention.")],
        )
    points = []
    for f in gaps:
        if f.code == "THEME_NOT_ADDRESSED" and f.theme:
            label = t.term("gr30_theme", f.theme)
        else:
            label = t.words("gap_label").get(f.code) or f.code
        points.append(_cited(t, label, f.gr30_paragraph or "84"))
    said = t.gettext(
        "The review read the plan against the Convention through general recommendation No. 30 "
        "and found these areas for action:"
    )
    return Section(heading, [said], points)


def _cited(t: Translator, label: str, paragraphs: str) -> str:
    """A label with the GR30 paragraphs it rests on: "para. 84", "paras. 58–61"."""
    written = t.paragraphs(paragraphs)
    if any(c in paragraphs for c in "-,\u2013"):
        return t.gettext(
            "{label} (general recommendation No. 30, paras. {paragraphs})",
            label=label,
            paragraphs=written,
        )
    return t.gettext(
        "{label} (general recommendation No. 30, para. {paragraphs})",
        label=label,
        paragraphs=written,
    )


def _indicators(
    t: Translator, values: Sequence[IndicatorValue], catalogue: Sequence[Indicator]
) -> Section:
    heading = t.gettext("D. Indicators (general recommendation No. 30, paras. 83 and 84)")
    if not values:
        return Section(
            heading,
            [
                t.gettext(
                    "No indicator values are recorded yet; add them before the report is sent."
                )
            ],
        )
    titles = {i.id: i.title[t.language] for i in catalogue}
    order = {ValueKind.BASELINE: 0, ValueKind.MEASURED: 1, ValueKind.TARGET: 2}
    points = [
        # Translators: one value of an indicator in the CEDAW report draft: its title, its code
        # (SG-09), the period, baseline/measured/target, the figures and where they come from.
        t.gettext(
            "{indicator} ({code}), {period}, {kind}: {reading} (source: {source})",
            indicator=titles.get(v.indicator, v.indicator),
            code=v.indicator,
            period=v.period,
            kind=t.term("value_kind", v.kind),
            reading=_reading(t, v.reading),
            source=v.source,
        )
        for v in sorted(values, key=lambda v: (v.indicator, order[v.kind], v.period))
    ]
    said = t.gettext("Values recorded for the plan's indicators, with their sources:")
    return Section(heading, [said], points)


def _reading(t: Translator, r: Reading) -> str:
    if r.text:
        return r.text
    parts = []
    if r.women is not None:
        # Translators: a figure of an indicator's value for women ("women 40, men 60, total 100").
        parts.append(t.gettext("women {number}", number=_number(r.women)))
    if r.men is not None:
        parts.append(t.gettext("men {number}", number=_number(r.men)))
    if r.total is not None:
        parts.append(t.gettext("total {number}", number=_number(r.total)))
    return ", ".join(parts)


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:g}"


def _followup(t: Translator, items: Sequence[DraftItem]) -> Section:
    points = []
    for item in items:
        # Translators: a followed recommendation and where it stands ("…: under way").
        said = t.gettext(
            "{recommendation}: {status}",
            recommendation=item.text,
            status=t.term("item_status", item.status),
        )
        if item.gr30_paragraphs:
            said = _cited(t, said, item.gr30_paragraphs)
        if item.article:
            said += " " + t.gettext("(article {article})", article=item.article)
        if item.reason:
            said += " " + t.gettext("(reason: {reason})", reason=item.reason)
        points.append(" ".join(said.split()))
    heading = t.gettext("E. Follow-up to the recommendations")
    return Section(
        heading, [t.gettext("Where the implementation of each recommendation stands:")], points
    )


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
