"""French typography (issue #19): the spaces French sets before ":" ";" "?" "!" and inside
« », which never break a line from the word they belong to. The letters' templates are written
with ordinary spaces; this is applied to a French letter once it is written (text, HTML and
subject), as the timeline's and the refusals' French catalogs already write them."""

from __future__ import annotations

import re

NO_BREAK = "\u00a0"  # before ":" and inside « » (espace insécable)
THIN_NO_BREAK = "\u202f"  # before ";" "?" "!" (espace fine insécable)

_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+:")
_BEFORE_THIN = re.compile(r"[ \u00a0\u202f]+([;?!])")
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]*")
_BEFORE_CLOSING = re.compile(r"[ \u00a0\u202f]*»")
# Markup a page's words are not: tags, and what <style> and <script> hold.
_MARKUP = re.compile(r"(<(style|script)\b.*?</\2>|<[^>]+>)", re.S | re.I)


def french_spacing(text: str) -> str:
    """Plain French text with its no-break spaces; a colon in an address ("https://") has no
    space before it and is left alone."""
    text = _BEFORE_COLON.sub(NO_BREAK + ":", text)
    text = _BEFORE_THIN.sub(THIN_NO_BREAK + r"\1", text)
    text = _AFTER_OPENING.sub("«" + NO_BREAK, text)
    return _BEFORE_CLOSING.sub(NO_BREAK + "»", text)


def french_spacing_html(page: str) -> str:
    """The same for an HTML page, in its words only (never inside a tag or a style sheet)."""
    out, last = [], 0
    for markup in _MARKUP.finditer(page):
        out += [french_spacing(page[last : markup.start()]), markup.group(0)]
        last = markup.end()
    return "".join([*out, french_spacing(page[last:])])
