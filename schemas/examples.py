"""Valid example documents: `napreview template` prints them, demos and tests submit them."""

from __future__ import annotations

from datetime import date

from napreview.schemas.members import Member, MemberKind
from napreview.schemas.nap import Gr30Theme
from napreview.schemas.recommendations import DEFAULT_SET, recommendation_set
from napreview.schemas.submissions import SET_CONTEXT, PeerReview, SelfAssessment


def example_self_assessment(member: Member, set_name: str = DEFAULT_SET) -> SelfAssessment:
    """A complete self-assessment to start from, answering the recommendations of ``set_name``;
    every value is a placeholder to replace."""
    statuses = ("achieved", "in_progress", "not_started", "not_applicable")
    return SelfAssessment.model_validate(
        {
            "nap": {
                "iteration": 1,
                "title": f"National Action Plan of {member.name} on resolution 1325",
                "adopted_on": date(2017, 1, 11),
                "period_start": date(2017, 1, 1),
                "period_end": date(2020, 12, 31),
                "lead_agency": "Ministry of Foreign Affairs",
                "pillars": ["participation", "prevention", "protection", "relief_and_recovery"],
                "budget": {"allocated": True, "amount": 1000000, "currency": "EUR"},
                "monitoring": {"framework": True, "reporting_frequency": "annual"},
                "civil_society_role": "monitoring",
                "local_action_plans": 0,
                "cedaw": {"articles_cited": ["2", "5(a)", "7", "8"], "cites_gr30": True},
                "gender_disaggregated_data": True,
                "gr30_themes": [
                    theme
                    for theme in Gr30Theme
                    if theme not in (Gr30Theme.NATIONALITY, Gr30Theme.MARRIAGE_FAMILY)
                ],
                "small_arms": True,
                "abroad": {"donor_assistance": True},
            },
            "recommendations": [
                {
                    "id": rid,
                    "status": statuses[i % len(statuses)],
                    "evidence": f"What {member.name} has done on {rid}, with sources.",
                }
                for i, rid in enumerate(recommendation_set(set_name).ids)
            ],
            "cedaw_reporting": {
                "last_report_year": 2017,
                "covered_wps": True,
                "observations_on_wps": True,
                "nap_answers_observations": False,
                # An organisation reports to no treaty body: it has no concluding observations.
                **(
                    {
                        "observations_symbol": f"CEDAW/C/{member.code}/CO/9",
                        "observations_paragraphs": "27-28",
                    }
                    if member.kind is MemberKind.STATE
                    else {}
                ),
            },
        },
        context={SET_CONTEXT: set_name},
    )


def example_peer_review() -> PeerReview:
    return PeerReview.model_validate(
        {
            "ratings": {
                "participation": "strong",
                "accountability": "adequate",
                "alliances": "weak",
            },
            "comments": "What the plan does well and where it falls short, with examples.",
            "recommendations": [
                "Allocate a dedicated budget line to each pillar.",
                "Report on the plan in the next CEDAW periodic report.",
            ],
        }
    )
