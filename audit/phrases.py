"""The timeline's words in each language the portal speaks (en, fr, es), as data.

English is the audit trail's own language: the export, its digest and the command line use it.
The portal shows the same events in the reader's language from these tables. Names of members
come from rules/member_names.json (with their articles); refusal reasons are quoted as the
workflow wrote them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

LANGUAGES = ("en", "fr", "es")


@dataclass(frozen=True)
class Phrases:
    lang: str
    text: dict[str, str]
    steps: dict[str, str]
    roles: dict[str, str]
    stages: dict[str, str]
    letters: dict[str, str]
    leaving: dict[str, str]
    decisions: dict[str, str]
    ratings: dict[str, str]
    unknown: dict[str, str]

    def member(self, code: str, name: str) -> str:
        """'of Germany' / 'de l'Allemagne' / 'de Alemania', the form after "Review"."""
        return member_of(code, name, self.lang)


@functools.cache
def _names() -> dict[str, dict[str, dict[str, str]]]:
    import json
    from importlib import resources

    from rules.names import NAMES_RESOURCE

    text = resources.files("rules").joinpath(NAMES_RESOURCE).read_text(encoding="utf-8")
    return json.loads(text)["members"]  # type: ignore[no-any-return]


def member_of(code: str, name: str, lang: str) -> str:
    forms = _names().get(code, {}).get(lang)
    if forms:
        return forms["of"]
    return {"fr": f"de {name}", "es": f"de {name}"}.get(lang, f"of {name}")


EN = Phrases(
    lang="en",
    text={
        "nobody_named": "someone not named",
        "unknown_sender": "an unknown sender",
        "role_not_recorded": "role not recorded",
        "role_unknown": "role '{role}', unknown to napreview",
        "of_member": " of {member}",
        "member_is": ", member {member}",
        "person_gone": "person {person} (no longer in the records)",
        "in_brackets": " ({text})",
        "by": "by {who}",
        "in_the_name_of": "in the name of {who}",
        "from": "from {who}",
        "accepted": "accepted",
        "refused": "refused: {reason}",
        "in_progress": "still in progress",
        "unknown": "outcome not known: {why}",
        "unreadable_step": "A '{step}' step that could not be read",
        "no_such_step": "A step napreview does not have ('{step}')",
        "review_started": (
            "Review {member} ({code}) in cycle {cycle} started; reviewers {reviewers} drawn "
            "with seed {seed}"
        ),
        "none": "none",
        "workflow_started": "Workflow {workflow_type} started",
        "cycle_started": (
            "Cycle {cycle} started by {actor}: {members}, {n} reviewers each, seed {seed}, "
            "chair {chair}"
        ),
        "cycle_continued": (
            "Cycle {cycle} continued in a new run: {started} reviews started, {finished} finished"
        ),
        "n_members": "{n} members",
        "every_member": "every member",
        "review_ended": "Review ended: {outcome} after {rounds} round(s)",
        "cycle_ended": "Cycle ended ({outcomes})",
        "no_reviews": "no reviews",
        "workflow_completed": "Workflow completed",
        "workflow_failed": "Workflow failed: {message}",
        "terminated": "Workflow terminated by {identity}: {reason}",
        "an_operator": "an operator",
        "no_reason": "no reason",
        "workflow_cancelled": "Workflow cancelled",
        "workflow_timed_out": "Workflow timed out",
        "continued_as_new": "Continued in a new run {run}",
        "workflow_task_failed": "The worker could not run a workflow task: {message}",
        "review_finished": "Review of {member} ended {outcome}",
        "stage": "Stage: {stage} (round {round})",
        "overdue": "Flagged overdue",
        "overdue_cleared": "No longer overdue",
        "letter": "{letter} letter stored for {to}{deadline} (SHA-256 {sha}…)",
        "deadline": ", deadline {date}",
        "to_secretariat": "the secretariat",
        "to_focal_point": "the focal point of {member}",
        "nobody_on_record": "nobody on record",
        "cedaw": "CEDAW linkage check: {rating} ({gaps} gap(s), {findings} finding(s))",
        "redraw": (
            "Reviewer {previous} {why}; {chosen} drawn in its place with seed {seed}{relaxed}"
        ),
        "relaxed": "; rules relaxed: {rules}",
        "draw": (
            "Review troika drawn for {n} members with seed {seed} (draw SHA-256 {sha}…, "
            "{relaxations} rule relaxation(s))"
        ),
        "withdrawals_sent": "Withdrawal sent to {n} open review(s)",
        "activity_failed": "{activity} did not succeed: {message}",
        "timer_set": "Timer set for {when} UTC (next reminder or deadline)",
        "timer_fired": "Timer fired",
        "reminder_due": "Reminder due: timer fired",
        "deadline_passed": "Deadline passed: timer fired",
        "child_started": "Child workflow {workflow_id} started",
        "child_review_started": "Review of {member} started: reviewers {reviewers} (seed {seed})",
        "child_failed": "Review {workflow_id} could not start ({cause})",
    },
    steps={
        "submit_self_assessment": "Self-assessment submitted",
        "submit_peer_review": "Peer review submitted",
        "respond": "Responses",
        "respond_n": "Responses to {n} peer recommendation(s)",
        "replace_reviewer": "Substitution of reviewer {reviewer} requested",
        "recuse": "Recusal as reviewer",
        "reassign_reviewer": "Reassignment of reviewer {reviewer}",
        "sign_off": "Sign-off",
        "sign_off_decision": "Sign-off: {decision}",
        "extend": "Deadline extension{by}{reason}",
        "extend_by": " by {by}",
        "withdraw": "Withdrawal{reason}",
        "cancel": "Cancellation of the cycle{reason}",
        "start_cycle": "Start of the cycle",
        "trust_key": "Trust in signing key {key_id}",
        "distrust_key": "End of trust in signing key {key_id}",
        "read_review": "Reading the review",
        "read_self_assessment": "Reading the self-assessment",
        "read_peer_review": "Reading a peer review",
        "read_audit": "Reading the audit trail",
        "read_letter": "Reading a letter",
        "act_as": "Acting as another person",
    },
    roles={"secretariat": "secretariat", "focal_point": "focal point", "auditor": "auditor"},
    stages={
        "self_assessment": "self-assessment",
        "peer_review": "peer review",
        "cedaw_check": "CEDAW check",
        "sign_off": "sign-off",
        "completed": "completed",
        "withdrawn": "withdrawn",
    },
    letters={
        "invitation": "Invitation",
        "reminder": "Reminder",
        "overdue": "Overdue notice",
        "review_request": "Review request",
        "reviewer_change": "Reviewer change notice",
        "returned": "Returned-for-revision",
        "final_feedback": "Final feedback",
        "withdrawal": "Withdrawal",
        "cycle_summary": "Cycle summary",
    },
    leaving={
        "replaced": "substituted at the reviewed member's request",
        "recused": "recused itself",
        "reassigned": "reassigned by the secretariat",
    },
    decisions={"approve": "approve", "return_for_revision": "return for revision"},
    ratings={},
    unknown={
        "no_replay": "no replay of the history was made",
        "replay_failed": "the history does not replay with the current workflow code",
        "not_delivered": "no handler of the workflow took this signal",
    },
)

_TABLES = {"en": EN}


def phrases_for(lang: str) -> Phrases:
    """The tables of a language; English for any other."""
    return _TABLES.get(lang, EN)
