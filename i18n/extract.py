"""Babel extraction methods for the message ids no ``_()`` call names (i18n/babel.cfg, used by
``make i18n``):

- ``refusals``: the English sentence of every refusal code (schemas/refusals.ENGLISH), which
  workflows write into history and the catalogs translate;
- ``glossary``: the Network's words for coded values, whose keys and English are written in the
  English catalog (i18n/catalogs.py says why), so that updating the catalogs keeps them and each
  translator sees the English beside the key.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.pofile import read_po

# (line, keyword, message, comments), as Babel expects of an extraction method
Extracted = tuple[int, str, Any, list[str]]


def refusals(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Each refusal's English, placed at its code's line of schemas/refusals.py."""
    from napreview.schemas.refusals import ENGLISH

    lines = fileobj.read().decode("utf-8").splitlines()
    for code, english in ENGLISH.items():
        line = next((n for n, text in enumerate(lines, 1) if f'"{code}":' in text), 0)
        yield line, "gettext", english, [f"Refusal {code}: keep its {{fields}} as they are."]


def glossary(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """Each word of the English catalog that has a context and an English text of its own."""
    for message in read_po(fileobj, locale="en"):
        if message.context and message.id and message.string and not message.fuzzy:
            line = message.lineno or 0
            said = f"English: {message.string}"
            yield line, "pgettext", (message.context, message.id), [said]
