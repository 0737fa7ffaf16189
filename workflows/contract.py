"""Names shared by workflows, activities, the worker and the command line.

Workflows call activities by these names so that the workflow sandbox never imports the
activities' database and template code.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy, SearchAttributeKey

REVIEW_WORKFLOW = "MemberReview"
CYCLE_WORKFLOW = "ReviewCycle"
COMMENT_WORKFLOW = "TellOfComment"
FOLLOW_UP_WORKFLOW = "FollowUp"

PREPARE_CYCLE = "prepare_cycle"
REVIEW_INPUTS = "review_inputs"
ACCEPT_DOCUMENT = "accept_document"
RUN_CEDAW_CHECK = "run_cedaw_check"
REDRAW_REVIEWER = "redraw_reviewer"
SEND_LETTER = "send_letter"
PROJECT_REVIEW = "project_review"
WITHDRAW_REVIEWS = "withdraw_reviews"
CONFIRM_FINISHED = "confirm_finished"
FRONT_END_KEYS = "front_end_keys"
DRAW_FOLLOW_UP = "draw_follow_up"
PROJECT_FOLLOW_UP = "project_follow_up"

NAP_CYCLE = SearchAttributeKey.for_keyword("NapCycle")
NAP_MEMBER = SearchAttributeKey.for_keyword("NapMember")
NAP_STAGE = SearchAttributeKey.for_keyword("NapStage")
NAP_OVERDUE = SearchAttributeKey.for_bool("NapOverdue")
SEARCH_ATTRIBUTES = (NAP_CYCLE, NAP_MEMBER, NAP_STAGE, NAP_OVERDUE)

# Error types an activity raises for a refusal that retrying cannot change.
REFUSED = "Refused"
NO_REVIEWER_LEFT = "NoReviewerLeft"
DOCUMENT_MISMATCH = "DocumentMismatch"
STORE_REJECTED = "StoreRejected"
# A workflow ends with this failure when napreview did not start it (workflows/start.py).
NOT_STARTED_BY_NAPREVIEW = "NotStartedByNapreview"

# Outages (database, disk) are retried without end, backing off to once a minute; business
# refusals are not retried at all.
ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=[REFUSED, NO_REVIEWER_LEFT, DOCUMENT_MISMATCH, STORE_REJECTED],
)
# Every activity is short (a store write, a rendering); a short limit means work lost with a
# killed worker is retried on another within seconds, not minutes.
ACTIVITY_TIMEOUT = timedelta(seconds=20)


def review_workflow_id(cycle: str, member: str) -> str:
    return f"review-{cycle}-{member}"


def cycle_workflow_id(cycle: str) -> str:
    return f"cycle-{cycle}"


def follow_up_workflow_id(cycle: str, member: str) -> str:
    return f"follow-up-{cycle}-{member}"
