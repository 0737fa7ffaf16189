"""A refusal as data: a code and its parameters, so each reader sees it in their own language.

A step refused (by a review, a cycle or a service) is answered, recorded and shown in three
places: Temporal's history and the command line keep the English sentence; the store keeps the
code and parameters beside it; the portal and the audit timeline render the code in the reader's
language (``napreview.i18n.refusals``). The English of each code below is its message id in the
translation catalogs (i18n/locale/<lang>/LC_MESSAGES/napreview.po): one vocabulary, written once.
It lives here, not in a catalog, because workflows write it into history and the workflow
sandbox reads no file.

Parameters are plain values, and their names say how a language renders them:
- ``member``, ``reviewer``, ``actor_member``: a member code, shown as the member's name
  (a catalog may write ``{member_of}`` for the form after "of": "de l'Allemagne");
- ``stage``; ``stages``: a stage, or stages joined with "or";
- ``roles``: roles joined with "or"; ``actor_role``: the acting person's role;
- ``outcome``: how a review ended, a stage (``completed`` reads "approved");
- ``on``: an ISO date, shown as the language writes dates; ``signed_at``: an ISO moment (UTC);
- ``round``, ``max_rounds``: numbers; anything else is shown as it is (``step``, ``key_id``,
  ``keys``, ``detail``).
``acts_as`` in a sentence is composed from ``actor_role`` and ``actor_member``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict, Field

Param = str | int | list[str]

# The English of every refusal, by code. Add a code here (never reuse one with another meaning);
# the catalogs translate the sentence, and tests check that every code is translated.
ENGLISH: dict[str, str] = {
    # the front end's signature (schemas/proof.py)
    "unsigned": "The step carries no proof that a napreview front end sent it; it is ignored.",
    "untrusted_key": "The step is signed with key {key_id}, which this review does not trust.",
    "stale_signature": (
        "The step was signed at {signed_at} UTC, too long before it arrived; send it again."
    ),
    "bad_signature": "The step's signature does not match its content; it is ignored.",
    "sent_twice": "This step was already received; it is not taken twice.",
    # who may take a step, and when
    "review_closed": (
        "The review of {member} in cycle {cycle} was {outcome} on {on}; nothing more can change."
    ),
    "review_ended": "The review of {member} in cycle {cycle} has ended; nothing more can change.",
    "wrong_role": "You act as {acts_as}; only the {roles} may take this step.",
    "wrong_stage": "The review of {member} is at {stage}, not {stages}.",
    "not_own_focal_point": (
        "You act as {acts_as}; only the focal point of {member} may take this step."
    ),
    "secretariat_only": "You act as {acts_as}; only the secretariat may {step}.",
    "no_member_to_review_for": "You act as {acts_as}, so have no review to submit.",
    "acting_unproven": (
        "{actor} was named without a personal token, on an installation without example people."
    ),
    "trial_closed": (
        "{actor} was named without a personal token after this installation's trial door was "
        "closed."
    ),
    "identity_needed": (
        "Nobody proved who they are to {step}; only the secretariat may, with a personal token."
    ),
    "secretariat_exists": (
        "This installation already has a secretariat of its own; {actor} cannot be made its "
        "first one."
    ),
    "read_refused": "{reader} may not read {detail}.",
    # the self-assessment and the peer reviews
    "self_assessment_in": "The self-assessment for round {round} is already submitted.",
    "self_assessment_done": (
        "The self-assessment of {member} is already submitted; the review is at {stage}."
    ),
    "own_member": "Nobody reviews their own member.",
    "peer_review_in": "{reviewer} has already submitted its review of {member}.",
    "not_a_reviewer": "You act as {acts_as}, which is not one of the reviewers of {member}.",
    "no_longer_reviewer": "{reviewer} is no longer a reviewer of {member}.",
    "no_such_recommendation": "No such peer recommendation: {keys}.",
    # cycles
    "cycle_started": "Cycle {cycle} has already been started; it is not started twice.",
    # the review troika
    "substitution_used": "{member} has already used its one substitution of a reviewer.",
    "review_stands": "{reviewer} has already submitted its review; it stands.",
    "not_reviewer_of": "{reviewer} is not one of the reviewers of {member}.",
    # the draw's own explanation of why nobody is left (workflows/troika.py)
    "no_reviewer_left": "{detail}",
    # sign-off, extension, withdrawal
    "decision_taken": "A decision for this round has already been taken.",
    "last_round": (
        "This is round {round} of at most {max_rounds}: the review can now only be approved or "
        "withdrawn."
    ),
    "extension_not_positive": "An extension must be longer than zero.",
    "reminder_not_in_this_review": (
        "The review of {member} started before reminders could be sent by hand; its reminders "
        "go out on their own before each deadline."
    ),
    "no_one_to_remind": (
        "The review of {member} waits for no self-assessment or peer review now: there is no "
        "one to remind."
    ),
    "being_withdrawn": "The review of {member} is already being withdrawn.",
    "cancel_mismatch": "The withdrawal does not match the cancellation it carries.",
    "approved_before_withdrawal": (
        "The review of {member} was approved before the withdrawal took effect."
    ),
    "withdrawn_before_step": "The review of {member} was withdrawn before this step was taken.",
    # the front end's keys
    "started_unsigned": "The review of {member} was started before commands were signed.",
    "key_trusted": "Key {key_id} is already trusted.",
    "key_not_trusted": "Key {key_id} is not trusted by this review.",
    "key_retires_itself": "A key cannot retire itself; sign with another trusted key.",
    "last_key": "The last trusted key cannot be retired.",
    # signals that cannot be taken
    "update_only": "{step} is taken only as an update, which answers its sender.",
    "no_such_step": "napreview has no step called {step}.",
    "unreadable": "The step could not be read ({detail}); it is ignored.",
    "wrong_arity": "The step carries {count} values instead of one command; it is ignored.",
    # the cycle
    "unreadable_ending": "A review's ending that could not be read; it is ignored.",
    "cycle_no_such_step": "The cycle takes no step called {step}; it is ignored.",
    "cancel_secretariat_only": "You act as {acts_as}; only the secretariat may cancel a cycle.",
    "keys_secretariat_only": "You act as {acts_as}; only the secretariat may change keys.",
    "cycle_cancelled_already": "Cycle {cycle} is already cancelled.",
    "cycle_drawing": "Cycle {cycle} is still drawing its reviewers; try again in a moment.",
    "cycle_started_unsigned": "Cycle {cycle} was started before commands were signed.",
    "cycle_key_not_trusted": "Key {key_id} is not trusted by this cycle.",
    "cycle_key_stays": "A key cannot retire itself, and the last trusted key stays.",
    # a workflow napreview did not start (workflows/start.py)
    "not_started_by_napreview": (
        "This workflow was not started by napreview ({detail}); it ends here, and nothing was "
        "sent or recorded."
    ),
    # a follow-up of a completed review (workflows/follow_up_rules.py)
    "follow_up_closed": (
        "The follow-up of {member} for cycle {cycle} was closed on {on}; nothing more can change."
    ),
    "follow_up_drawing": "The follow-up of {member} is still drawing its items; try again shortly.",
    "no_such_item": "The follow-up has no item {key}.",
    "reason_needed": "Say why item {key} is not pursued.",
    "too_much_evidence": "Item {key} can hold at most 50 pieces of evidence.",
    "no_such_evidence_file": "The follow-up of {member} keeps no document {ref} as evidence.",
    "evidence_file_empty": "{name} is empty; nothing was sent.",
    "evidence_file_too_large": "{name} is larger than {mb} MB; nothing was sent.",
    "evidence_file_wrong_type": (
        "{name} is not a PDF, Word, Excel or OpenDocument file, or is not what its name says; "
        "nothing was sent."
    ),
    "item_twice": "The report changes one item twice; give each item once.",
    "no_such_report": "{member} has sent no progress report number {period}.",
    "report_acknowledged": "Progress report number {period} is already acknowledged.",
    "follow_up_started": "The review of {member} in cycle {cycle} is already followed up.",
    "review_not_completed": (
        "The review of {member} in cycle {cycle} is not completed; only an approved review is "
        "followed up."
    ),
    # a document the store refused, in the store's own words
    "document_refused": "{detail}",
}


class Reason(BaseModel):
    """Why a step was refused: a code of ``ENGLISH`` and the values its sentence names."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(max_length=40)
    params: dict[str, Param] = Field(default_factory=dict)

    def english(self, names: Mapping[str, str] | None = None) -> str:
        """The English sentence; ``names`` gives member names by code where known (else the code
        stands, as history always wrote reviewers)."""
        return render(ENGLISH.get(self.code, "{detail}"), english_values(self.params, names or {}))


def english_values(params: Mapping[str, Param], names: Mapping[str, str]) -> dict[str, str]:
    """Each parameter as an English sentence writes it."""
    values: dict[str, str] = {}
    for key, value in params.items():
        if key in ("member", "reviewer", "actor_member") and isinstance(value, str):
            values[key] = names.get(value, value)
        elif key == "stage" and isinstance(value, str):
            values[key] = value.replace("_", " ")
        elif key == "outcome" and isinstance(value, str):
            values[key] = "approved" if value == "completed" else value.replace("_", " ")
        elif key == "on" and isinstance(value, str):
            values[key] = _day(value)
        elif key == "signed_at" and isinstance(value, str):
            values[key] = _moment(value)
        elif key in ("stages", "roles") and isinstance(value, list):
            values[key] = " or ".join(v.replace("_", " ") for v in value)
        elif key == "keys" and isinstance(value, list):
            values[key] = ", ".join(value)
        else:
            values[key] = str(value)
    values["acts_as"] = english_acts_as(params)
    return values


def _day(iso: str) -> str:
    """'2026-12-04' → '4 December 2026', as United Nations English writes a date."""
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def _moment(iso: str) -> str:
    """An ISO moment as the refusal names it: '2026-12-04 14:05' (UTC)."""
    try:
        return f"{datetime.fromisoformat(iso).astimezone(UTC):%Y-%m-%d %H:%M}"
    except ValueError:
        return iso


def english_acts_as(params: Mapping[str, Param]) -> str:
    """'the focal point of DEU', 'the secretariat': how refusals address the person."""
    role = str(params.get("actor_role") or "")
    member = params.get("actor_member")
    if role == "focal_point":
        return f"the focal point of {member}" if member else "a focal point of no member"
    return f"the {role.replace('_', ' ')}" if role else "someone"


def render(template: str, values: Mapping[str, str]) -> str:
    """``str.format`` that leaves an unknown placeholder as it is rather than failing."""
    try:
        return template.format_map(_Keep(values))
    except (ValueError, IndexError):
        return template


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
