"""Letters per second on one core: the mix one review sends (an invitation, three review
requests, the final feedback), in English, French and Spanish, from reviews the bench completed.

Three figures, in this process, on one thread, while the workers are idle: rendering alone
(the Jinja2 text and HTML of a context already built); the context read from the store and
rendered; and the whole cost of a letter, what the worker spends on it: the send_letter
activity's work (context, render, the letter stored and its files written) and the delivery's
(the PDF laid out where one goes, the email built). The last is the figure that counts: before
issue #23 only rendering was reported (over 500 a second) while a letter with its PDF cost a
tenth of a CPU second.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from napreview.activities.letters import LetterActivities
from napreview.letters.email import letter_message
from napreview.letters.pdf import letter_pdf
from napreview.letters.render import render_letter
from napreview.schemas.letters import PDF_ATTACHED, LetterKind, LetterRequest
from napreview.schemas.review import ReviewState
from napreview.store.records import Store


def review_letters(state: ReviewState, chair: str) -> list[LetterRequest]:
    """The five letters of a completed review without revisions, as the workflow asks for them."""
    reviewers = [slot.member for slot in state.reviewers]
    common = {"cycle": state.cycle, "member": state.member, "chair": chair, "reviewers": reviewers}
    documents = {
        "self_assessment_id": state.self_assessments[-1].id,
        "peer_review_ids": [s.document.id for s in state.reviewers if s.document],
        "cedaw_result_id": state.cedaw.result_id if state.cedaw else None,
    }
    letters = [LetterRequest(kind=LetterKind.INVITATION, deadline="2030-01-31", **common)]
    letters += [
        LetterRequest(
            kind=LetterKind.REVIEW_REQUEST,
            recipient_member=reviewer,
            deadline="2030-02-28",
            self_assessment_id=documents["self_assessment_id"],
            **common,
        )
        for reviewer in reviewers
    ]
    letters.append(
        LetterRequest(
            kind=LetterKind.FINAL_FEEDBACK,
            comments="Approved for the annual meeting.",
            stage="sign_off",
            **documents,
            **common,
        )
    )
    return letters


def letters_per_second(store: Store, requests: list[LetterRequest], seconds: float = 3.0):  # type: ignore[no-untyped-def]
    """Render the requests round and round for about ``seconds``; letters per CPU second."""
    with tempfile.TemporaryDirectory() as folder:
        activity = LetterActivities(store, Path(folder))
        contexts = [activity.context_for(r) for r in requests]
        for context in contexts:  # warm: templates compiled, caches filled
            render_letter(context)
        # CPU time of this (single-threaded) process: letters per second of one core, whatever
        # else the machine is doing.
        rendered, started, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - started < seconds:
            for context in contexts:
                render_letter(context)
            rendered += len(contexts)
        render_rate = rendered / (time.process_time() - cpu)
        built, started, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - started < seconds:
            for request in requests:
                render_letter(activity.context_for(request))
            built += len(requests)
        full_rate = built / (time.process_time() - cpu)
        whole_rate = _whole_cost_rate(store, activity, requests, seconds)
    return {
        "whole_cost_per_second": round(whole_rate, 2),
        "rendered_per_second": round(render_rate, 1),
        "context_and_render_per_second": round(full_rate, 1),
        "mix": sorted({f"{c.kind.value}/{c.language}" for c in contexts}),
    }


def _whole_cost_rate(
    store: Store, activity: LetterActivities, requests: list[LetterRequest], seconds: float
) -> float:
    """Letters per CPU second, each stored anew (a fresh occasion: a new idempotency key) with
    its files, laid out as PDF where one goes and built into its email, as the worker does."""
    letter_pdf("<p>warm: WeasyPrint imported, fonts found</p>")
    done, started, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < seconds or not done:
        for request in requests:
            fresh = request.model_copy(update={"occasion": f"bench-{done}"})
            letter = activity.store_and_file(fresh)
            pdf = letter_pdf(letter.body_html) if letter.kind in PDF_ATTACHED else None
            member = store.members.find(letter.member_code)
            bytes(letter_message(letter, "bench@example.org", pdf, member))
            done += 1
    return done / (time.process_time() - cpu)
