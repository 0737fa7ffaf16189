"""Letters rendered per second on one core (issue #12): the final feedback letter, the longest,
and an invitation, rendered from prepared contexts with the shipped templates.

    .venv/bin/python -m bench.letters
"""

from __future__ import annotations

import time

from letters.render import render_letter
from schemas.letters import LetterKind
from schemas.members import Language


def rate(kind: LetterKind, language: Language, seconds: float = 3.0) -> float:
    from tests.test_letters_render import context

    ctx = context(kind, language)
    render_letter(ctx)  # templates compiled and digests computed once per process
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        render_letter(ctx)
        count += 1
    return count / (time.perf_counter() - started)


def main() -> None:
    for kind in (LetterKind.INVITATION, LetterKind.REVIEW_REQUEST, LetterKind.FINAL_FEEDBACK):
        for language in Language:
            print(f"{kind.value:16} {language.value}  {rate(kind, language, 1.5):7.0f} letters/s")


if __name__ == "__main__":
    main()
