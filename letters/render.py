"""Renders a letter as text and HTML from one template per kind and language (DESIGN §7).

A letter template (``<language>/<kind>.j2``) says what the letter says with semantic macros
(``m.paragraph``, ``m.heading``, ``m.list``, ``m.table`` …) over its language's frame
(``<language>/letter.j2``: letterhead, salutation, signature) and the shared base layout
(``base.j2``: the order of the parts). It is rendered twice: once in a text environment whose
``m`` is ``layouts/text.j2``, once in an HTML environment (autoescape on) whose ``m`` is
``layouts/html.j2``. Anything a person typed reaches the templates only as data, so it is escaped
in HTML, shown as is in text, and never compiled as a template.
"""

from __future__ import annotations

import contextvars
import datetime
import functools
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
    meta,
    pass_context,
    pass_eval_context,
)
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from markupsafe import Markup, escape
from pydantic import BaseModel

from napreview import templates
from napreview.i18n.catalogs import po_file
from napreview.i18n.names import agree, name_forms, pick
from napreview.i18n.translator import Translator, Words, translator
from napreview.i18n.typography import french_spacing, french_spacing_html
from napreview.letters.context import LetterContext, prioritise, progress_by_theme
from napreview.letters.salutation import address_form, salutation
from napreview.schemas.cedaw import Finding
from napreview.schemas.letters import Addressee, LetterKind
from napreview.schemas.members import Language, Member
from napreview.schemas.nap import ActionAbroad
from napreview.schemas.recommendations import recommendation_set
from napreview.workflows.cedaw_rules import load_rules, show_paragraphs

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(templates.__file__).parent / "letters"
FALLBACK_LANGUAGE = Language.EN
TEXT_LAYOUT = "layouts/text.j2"
HTML_LAYOUT = "layouts/html.j2"
TEXT_WIDTH = 78
# The language of the letter being rendered, for filters called from imported macros (findings.j2
# is imported without the letter's context, so that Jinja2 caches it).
_LANGUAGE: contextvars.ContextVar[Language] = contextvars.ContextVar("letter_language")
# Joins the words of a date or an inline command in text, so that wrapping never splits them.
_GLUE = "\ue000"


class RenderedLetter(BaseModel):
    """A letter as stored: both bodies, and the digests that let an auditor check what was sent,
    from which template sources and which inputs."""

    subject: str
    text: str
    html: str
    language: Language
    template: str
    template_version: str
    inputs_sha256: str
    sha256: str


def inputs_digest(ctx: LetterContext) -> str:
    """SHA-256 of the context's canonical JSON: the same inputs always give the same digest."""
    canonical = json.dumps(
        ctx.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- filters: whitespace and wrapping only, never markup on text that is not already Markup ---


def _squash(value: str) -> str:
    """Collapses the template's line breaks inside a paragraph; keeps Markup as Markup."""
    collapsed = " ".join(str(value).split())
    return Markup(collapsed) if isinstance(value, Markup) else collapsed


# Spaces a text line never breaks at: before ; : ! ? » and after « (French typography), after
# a number ("9 findings") and between an abbreviation and its number ("No. 30", "par. 28").
_UNBREAKABLE_SPACE = re.compile(
    r" (?=[;:!?»])|(?<=«) |(?<=\d) (?=\w)"
    r"|(?:(?<=No\.)|(?<=nº)|(?<=núm\.)|(?<=par\.)|(?<=párr\.)|(?<=párrs\.)|(?<=paras)) (?=\d)"
)


@functools.lru_cache(maxsize=8192)
def _wrap(value: str, width: int = TEXT_WIDTH, indent: str = "", first: str | None = None) -> str:
    """Wraps each line of plain text, with a hanging indent; keeps the lines a person typed.

    Kept for the process: the same paragraphs (the 24 recommendations' titles, the standard
    sentences) come back in every letter of a language."""
    lines = []
    text = _UNBREAKABLE_SPACE.sub(_GLUE, str(value))
    for n, line in enumerate(text.splitlines() or [""]):
        lead = first if first is not None and n == 0 else indent
        if not line.strip():
            lines.append("")
            continue
        lines.append(_fill(line.strip(), width, lead, indent))
    return "\n".join(lines).replace(_GLUE, " ")


_WORD_SEPARATOR = re.compile(r"(\s+)")
_WHITESPACE_TO_SPACE = str.maketrans("\t\n\x0b\x0c\r", "     ")


def _fill(text: str, width: int, initial: str, subsequent: str) -> str:
    """What ``textwrap.fill`` gives with break_long_words and break_on_hyphens off, in a third
    of its time: wrapping is a third of a letter's rendering (issue #12)."""
    text = text.expandtabs().translate(_WHITESPACE_TO_SPACE)
    if text and len(initial) + len(text) <= width:
        return initial + text  # most lines fit as they are
    chunks = [c for c in _WORD_SEPARATOR.split(text) if c]
    chunks.reverse()
    lines: list[str] = []
    while chunks:
        indent = subsequent if lines else initial
        room = width - len(indent)
        if lines and not chunks[-1].strip():
            chunks.pop()  # a line never starts with the space it was broken at
            if not chunks:
                break
        line: list[str] = []
        used = 0
        while chunks and used + len(chunks[-1]) <= room:
            used += len(chunks[-1])
            line.append(chunks.pop())
        if chunks and len(chunks[-1]) > room and not line:
            line.append(chunks.pop())  # a word longer than the line stands alone
        if line and not line[-1].strip():
            del line[-1]
        if line:
            lines.append(indent + "".join(line))
    return "\n".join(lines)


@pass_eval_context
def _glue(eval_ctx: EvalContext, value: str) -> str:
    """Keeps a short phrase (a date, an inline command) on one line of the text letter."""
    return value if eval_ctx.autoescape else str(value).replace(" ", _GLUE)


def _nl2br(value: str) -> Markup:
    """Typed text in HTML: escaped, with its line breaks kept."""
    return Markup("<br>\n").join(escape(value).strip().splitlines())


@pass_context
def _date(context: Context, day: datetime.date) -> str:
    """A date in the letter's language, never split over two lines of a text letter."""
    return _glue(context.eval_ctx, _words(context).day(day))


@pass_context
def _number(context: Context, value: float) -> str:
    """An amount with the language's digit grouping: 1,000,000 / 1 000 000 / 1.000.000."""
    return _words(context).number(value)


@pass_context
def _term(context: Context, code: object, group: str) -> str:
    """A word of the catalogs in the letter's language: ``f.pillar|term("pillar")``."""
    return _words(context).term(group, code)


@pass_context
def _listed(context: Context, words: Iterable[str]) -> str:
    """Words as a sentence lists them: ``ids|listed`` gives "A2, A5 and B1", "A2, A5 et B1"."""
    return _words(context).join([str(w) for w in words])


@pass_context
def _in_words(context: Context, count: int) -> str:
    """A count below ten in words, from ten in figures: ``3|in_words`` gives "three"."""
    return _words(context).in_words(count)


@pass_context
def _paragraphs(context: Context, references: str) -> str:
    """Paragraph references as the letter's language writes them: "34 à 38", "28 a)"."""
    return _words(context).paragraphs(references)


def _language_of(context: Context) -> Language:
    language = context.get("language")
    return Language(language) if language is not None else _LANGUAGE.get()


def _words(context: Context) -> Translator:
    return translator(_language_of(context).value)


@pass_context
def _name(context: Context, member: Member, form: str = "name") -> str:
    """A member's name in the letter's language: ``name`` with its article ("la Belgique"),
    ``of`` / ``to`` after de/à, de/a, of/to ("du Mali", "al Perú"), ``short`` bare."""
    forms = name_forms(member, _language_of(context))
    if form not in ("name", "of", "to", "short"):
        raise ValueError(f"unknown name form {form!r}")
    return str(getattr(forms, form))


def _upfirst(value: str) -> str:
    """The first letter in capitals, the rest untouched ("les Pays-Bas" → "Les Pays-Bas")."""
    text = str(value)
    upper = text[:1].upper() + text[1:]
    return Markup(upper) if isinstance(value, Markup) else upper


@pass_context
def _agree(context: Context, word: str, member: Member) -> str:
    """A participle agreed with the member: "tiré"|agree(m) → tirée, tirés; elegido → elegidos."""
    return agree(word, member, _language_of(context))


@pass_context
def _pick(context: Context, member: Member, *words: str) -> str:
    """A word by the member's number (two words) or gender and number (four words)."""
    return pick(member, _language_of(context), *words)


def _lookup(value: object, words: Words | None) -> object:
    """A value in the letter's words, e.g. ``pillars|map("lookup", t.pillar)``; without words,
    the value itself."""
    return value if words is None else words[value]


class LetterTerms:
    """The words a letter looks up by code, from the catalogs in the letter's language (``t`` in
    the templates): a group of words by its name (``t.stage["peer_review"]``, ``t.theme``,
    ``t.gap_label.get(code)`` …), and the few the letters compose."""

    def __init__(self, words: Translator) -> None:
        self._words = words

    def __getattr__(self, group: str) -> Words:
        if group.startswith("_"):
            raise AttributeError(group)
        return self._words.words(group)

    def word(self, name: str, plural: bool = False) -> str:
        """One of the Network's words from the glossary: ``t.word("network")``."""
        return self._words.word(name, plural=plural)

    def in_words(self, count: int) -> str:
        """A count in running text: below ten in words ("after two rounds", "tras dos rondas")."""
        return self._words.in_words(count)

    @property
    def yes_no(self) -> dict[bool, str]:
        return {True: self._words.gettext("yes"), False: self._words.gettext("no")}

    def names(self, members: list[Member], form: str = "name") -> str:
        """Members as a sentence lists them ("Spain, Kenya and Japan"); ``form`` "of" or "to"
        gives each name after de/à, of/to."""
        return self._words.names(members, form)

    def presidency(self, chairs: Sequence[Member]) -> str:
        """The Chair of the Network as a sentence names it: "the Chair of the Network, Canada",
        or its two co-Chairs, with each language's articles ("la coprésidence du Réseau,
        assurée par le Canada et l'Uruguay", "la copresidencia de la Red, que ejercen el Canadá
        y el Uruguay")."""
        words = self._words
        if len(chairs) == 1:
            chair = words.member_name(chairs[0], "name")
            return words.pgettext("letter", "the Chair of the Network, {chair}", chair=chair)
        # Translators: {chairs} lists the two co-Chairs with their articles ("le Canada et
        # l'Uruguay", "el Canadá y el Uruguay").
        return words.pgettext(
            "letter", "the co-Chairs of the Network, {chairs}", chairs=words.names(chairs)
        )

    def on_behalf(self, chairs: Sequence[Member]) -> str:
        """On whose behalf the secretariat writes: the Chair or co-Chairs of the cycle's year, or
        the Network itself when the year has none recorded (never another year's Chair)."""
        if not chairs:
            return self._words.pgettext("letter", "on behalf of the Network")
        # Translators: {presidency} is "the Chair of the Network, Canada" or "the co-Chairs …".
        return self._words.pgettext(
            "letter", "on behalf of {presidency}", presidency=self.presidency(chairs)
        )

    def plan(self, member: Member) -> str:
        """The member's national (or regional) action plan."""
        return self._words.term("plan", member.kind)

    def abroad(self, facts: ActionAbroad) -> str:
        """What a plan does abroad, as a sentence lists it ("donor assistance and peacekeeping
        contingents"), or that it does nothing there."""
        roles = [self._words.term("abroad_role", role) for role in facts.roles]
        if roles:
            return self._words.join(roles)
        # Translators: the plan's action abroad, when it has none ("aucune", "ninguna").
        return self._words.pgettext("action abroad", "none")

    def gap_name(self, finding: Finding) -> str:
        """A CEDAW gap in a few words, for the lists that group gaps: a theme left out is named
        by its theme; a gap no catalog names, by its code."""
        if finding.code == "THEME_NOT_ADDRESSED" and finding.theme:
            return self._words.term("gr30_theme", finding.theme)
        return self._words.words("gap_label").get(finding.code) or finding.code


def _environment(loader: BaseLoader, *, html: bool) -> Environment:
    env = Environment(
        loader=loader,
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=["jinja2.ext.do"],
    )
    env.filters.update(
        squash=_squash,
        wrap=_wrap,
        glue=_glue,
        nl2br=_nl2br,
        date=_date,
        number=_number,
        term=_term,
        listed=_listed,
        in_words=_in_words,
        paragraphs=_paragraphs,
        lookup=_lookup,
        name=_name,
        upfirst=_upfirst,
        agree=_agree,
        pick=_pick,
    )
    env.globals.update(GR30=_gr30_paragraphs())
    return env


def _gr30_paragraphs() -> dict[str, dict[str, str]]:
    """Each GR30 theme's paragraphs and recommendations paragraph(s), from the rules
    (``GR30[theme].paragraphs``: "34–38"); the themes' names are the catalogs' words."""
    return {
        t.id: {
            "paragraphs": show_paragraphs(t.paragraphs),
            "recommendations": show_paragraphs(t.recommendations),
        }
        for t in load_rules().themes
    }


def _tidy(rendered: str) -> str:
    """No trailing spaces, at most one blank line in a row (typed text included), one final
    newline."""
    lines = [line.rstrip() for line in rendered.replace(_GLUE, " ").strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class LetterRenderer:
    """Renders letters from one set of templates; the default reads the ``templates`` package."""

    def __init__(self, loader: BaseLoader | None = None) -> None:
        loader = loader or FileSystemLoader(TEMPLATES_DIR)
        self._loader = loader
        self._text = _environment(loader, html=False)
        self._html = _environment(loader, html=True)
        # Template sources do not change while a process runs: their digests and the fallback
        # choice are computed once per template, not once per letter.
        self._versions: dict[str, str] = {}
        self._names: dict[tuple[LetterKind, Language], tuple[Language, str]] = {}
        self._layouts: dict[tuple[bool, Language], object] = {}

    def _layout(self, *, html: bool, language: Language) -> object:
        """The layout's macros for a language, built once (they hold no state of a letter)."""
        key = (html, language)
        if key not in self._layouts:
            env, name = (self._html, HTML_LAYOUT) if html else (self._text, TEXT_LAYOUT)
            self._layouts[key] = _layout(env, name, language)
        return self._layouts[key]

    def template_name(self, kind: LetterKind, language: Language) -> tuple[Language, str]:
        """The template for a kind in a language, or the English one (with a warning) if missing."""
        key = (kind, language)
        if key not in self._names:
            self._names[key] = self._find_template(kind, language)
        return self._names[key]

    def _find_template(self, kind: LetterKind, language: Language) -> tuple[Language, str]:
        name = f"{language.value}/{kind.value}.j2"
        try:
            self._text.get_template(name)
        except TemplateNotFound:
            if language is FALLBACK_LANGUAGE:
                raise
            logger.warning(
                "no %s letter template in %r; rendering it in %r",
                kind.value,
                language.value,
                FALLBACK_LANGUAGE.value,
            )
            return self._find_template(kind, FALLBACK_LANGUAGE)
        return language, name

    def template_version(self, name: str) -> str:
        """SHA-256 of every source of the letter's words: the template, what it extends or
        imports, both layouts, and its language's catalog; computed once per template and
        process."""
        if name not in self._versions:
            self._versions[name] = self._digest(name)
        return self._versions[name]

    def _digest(self, name: str) -> str:
        names = self._referenced(name, set()) | {TEXT_LAYOUT, HTML_LAYOUT}
        digest = hashlib.sha256()
        for used in sorted(names):
            source, _, _ = self._loader.get_source(self._text, used)
            digest.update(used.encode("utf-8") + b"\0" + source.encode("utf-8") + b"\0")
        catalog = po_file(name.split("/")[0])
        digest.update(b"catalog\0" + catalog.read_bytes())
        return digest.hexdigest()

    def _referenced(self, name: str, seen: set[str]) -> set[str]:
        if name in seen:
            return seen
        seen.add(name)
        source, _, _ = self._loader.get_source(self._text, name)
        for child in meta.find_referenced_templates(self._text.parse(source)):
            if child is None:
                raise ValueError(f"{name} refers to a template by a computed name")
            self._referenced(child, seen)
        return seen

    def finding(self, finding: Finding, member: Member, language: Language) -> str:
        """A CEDAW finding as the letters of a language phrase it (the portal shows it so)."""
        macros: Any = self._text.get_template(f"{language.value}/findings.j2").module
        token = _LANGUAGE.set(language)
        try:
            return str(macros.finding(finding, member)).strip() or finding.message
        finally:
            _LANGUAGE.reset(token)

    def render(self, ctx: LetterContext) -> RenderedLetter:
        language, name = self.template_name(ctx.kind, ctx.language)
        variables = _variables(ctx, language)
        token = _LANGUAGE.set(language)
        try:
            return self._render(ctx, language, name, variables)
        finally:
            _LANGUAGE.reset(token)

    def _render(
        self, ctx: LetterContext, language: Language, name: str, variables: dict[str, object]
    ) -> RenderedLetter:
        text_template = self._text.get_template(name)
        text_variables = {**variables, "m": self._layout(html=False, language=language)}
        html_variables = {**variables, "m": self._layout(html=True, language=language)}
        text = _tidy(text_template.render(text_variables))
        html = _tidy(self._html.get_template(name).render(html_variables))
        subject = _subject(text_template, text_variables)
        if language is Language.FR:
            text, html = french_spacing(text), french_spacing_html(html)
            subject = french_spacing(subject)
        return RenderedLetter(
            # The reference in the subject too: the reader's mail program shows it, and a reply
            # quotes it.
            subject=f"{subject} ({ctx.reference})" if ctx.reference else subject,
            text=text,
            html=html,
            language=language,
            template=name,
            template_version=self.template_version(name),
            inputs_sha256=inputs_digest(ctx),
            sha256=_sha256(text),
        )


def _layout(env: Environment, name: str, language: Language) -> object:
    """The layout's macros (``m`` in the templates), knowing the language for its typography."""
    return env.get_template(name).make_module({"language": language})


def _subject(template: Template, variables: dict[str, object]) -> str:
    block = template.blocks["subject"]
    subject = "".join(block(template.new_context(variables))).replace(_GLUE, " ")
    return " ".join(subject.split())


def _variables(ctx: LetterContext, language: Language) -> dict[str, object]:
    """The context's fields as template variables, plus what the letters derive from them."""
    variables: dict[str, object] = {name: getattr(ctx, name) for name in LetterContext.model_fields}
    answered = recommendation_set(ctx.recommendation_set)
    personal = ctx.addressee is not Addressee.SECRETARIAT or ctx.kind is LetterKind.CYCLE_SUMMARY
    person = ctx.recipient if personal else None
    variables.update(
        language=language,
        salutation=salutation(person, language),
        address_form=address_form(person, language),
        to_many=person is None,
        open_recommendations=ctx.open_recommendations,
        addressed_member=ctx.addressed_member,
        links=ctx.links,
        other_reviewers=ctx.other_reviewers,
        t=LetterTerms(translator(language.value)),
        progress=(
            progress_by_theme(ctx.self_assessment, ctx.recommendation_set)
            if ctx.self_assessment
            else []
        ),
        recommendation_text=answered.texts(language),
        recommendations_of=answered.of[language],
        recommended=prioritise(ctx) if ctx.kind is LetterKind.FINAL_FEEDBACK else None,
    )
    return variables


@functools.cache
def default_renderer() -> LetterRenderer:
    """The renderer over the templates shipped in the ``templates`` package, built once."""
    return LetterRenderer()


def finding_text(finding: Finding, member: Member, language: Language | str) -> str:
    """A CEDAW finding in a language, as the letters write it."""
    return default_renderer().finding(finding, member, Language(language))


def render_letter(ctx: LetterContext) -> RenderedLetter:
    """Renders a letter with the templates shipped in the ``templates`` package."""
    return default_renderer().render(ctx)
