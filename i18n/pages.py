"""The portal's page templates in one reader's language: the Jinja2 environment that the
portal's pages and the documents drawn from them (the annual-meeting report) share, so both
speak through one translator with the same helpers."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from napreview import templates
from napreview.i18n.translator import Translator

PAGES = Path(templates.__file__).parent / "portal"


def page_environment(t: Translator) -> Environment:
    """The portal's templates, escaped, with ``t``'s words: gettext through Jinja2's i18n
    extension (``_()``, ``ngettext()``), the Network's words (``term``), member names, dates
    and numbers. The portal adds what only a signed-in page needs."""
    env = Environment(
        loader=FileSystemLoader(PAGES),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # The translator fills each phrase's {fields} itself (newstyle off): one placeholder style
    # for pages, the timeline and the refusals.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        t.gettext, t.ngettext, newstyle=False, pgettext=t.pgettext, npgettext=t.npgettext
    )
    env.globals.update(
        lang=t.language,
        term=t.term,
        member_label=t.member_label,
        member_name=t.member_name,
        day=t.day,
        number=t.number,
    )
    return env
