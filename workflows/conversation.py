"""Tells the others in a review's conversation of a new comment: ``comment-<cycle>-<member>-<id>``,
started by the front end once the comment is stored.

Each letter goes through the ``send_letter`` activity like every other letter (stored once per
review, kind, round, recipient and comment; filed; then delivered from the outbox, whose
drainer retries a failed send). A workflow of its own, so that a
database or mail outage while the comment is posted never loses the notice, and the review's
workflow and its history stay as they are.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from napreview.schemas.letters import CommentNotice, LetterRef
    from napreview.workflows import contract


@workflow.defn(name=contract.COMMENT_WORKFLOW)
class TellOfCommentWorkflow:
    @workflow.run
    async def run(self, notice: CommentNotice) -> list[LetterRef]:
        sent = []
        for request in notice.letters:
            sent.append(
                await workflow.execute_activity(
                    contract.SEND_LETTER,
                    request,
                    result_type=LetterRef,
                    start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
                    retry_policy=contract.ACTIVITY_RETRY,
                )
            )
        return sent
