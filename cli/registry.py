"""Members, focal points, users, and the document schemas and templates people fill in."""

from __future__ import annotations

import json
from enum import StrEnum

import typer
from pydantic import BaseModel
from rich.table import Table

from cli.common import (
    AS_OPTION,
    JSON_OPTION,
    acting,
    console,
    handled,
    print_json,
    store,
)
from schemas.members import Honorific, Location, Member, Rank, Role

members_app = typer.Typer(help="The Network's members.", no_args_is_help=True)
focal_points_app = typer.Typer(help="Members' WPS focal points.", no_args_is_help=True)
users_app = typer.Typer(help="People who may act in napreview.", no_args_is_help=True)


class DocumentName(StrEnum):
    SELF_ASSESSMENT = "self-assessment"
    PEER_REVIEW = "peer-review"


def document_model(name: DocumentName) -> type[BaseModel]:
    from schemas.submissions import PeerReview, SelfAssessment

    return SelfAssessment if name is DocumentName.SELF_ASSESSMENT else PeerReview


def member_json(member: Member) -> dict[str, object]:
    return member.model_dump(mode="json")


@members_app.command("list")
@handled
def members_list(as_json: bool = JSON_OPTION) -> None:
    """Every member: code, name, kind, regional group, CEDAW status, language."""
    members = store().list_members()
    if as_json:
        print_json([member_json(m) for m in members])
        return
    table = Table(title=f"{len(members)} members of the WPS Focal Points Network")
    for column in ("Code", "Name", "Kind", "Group", "CEDAW", "Language"):
        table.add_column(column)
    for m in members:
        table.add_row(
            m.code,
            m.name,
            m.kind.value.replace("_", " "),
            m.regional_group.value if m.regional_group else "-",
            m.cedaw_status.value.replace("_", " "),
            m.language.value,
        )
    console.print(table)


@members_app.command("show")
@handled
def members_show(member: str, as_json: bool = JSON_OPTION) -> None:
    """One member with its focal points (current and past) and NAPs."""
    s = store()
    m = s.get_member(member)
    history = s.focal_point_history(m.code)
    naps = s.naps(m.code)
    if as_json:
        print_json(
            {
                **member_json(m),
                "focal_points": [fp.model_dump(mode="json") for fp in history],
                "naps": [n.model_dump(mode="json") for n in naps],
            }
        )
        return
    console.print(f"[bold]{m.name}[/bold] ({m.code})")
    group = m.regional_group.value if m.regional_group else "regional organisation"
    console.print(
        f"Group: {group}   CEDAW: {m.cedaw_status.value.replace('_', ' ')}   "
        f"Language: {m.language.value}"
    )
    table = Table(title="Focal points")
    for column in ("Name", "Email", "Location", "From", "To"):
        table.add_column(column)
    for fp in history:
        table.add_row(
            fp.name,
            fp.email,
            fp.location.value.replace("_", " "),
            str(fp.active_from),
            str(fp.active_to or "current"),
        )
    console.print(table)
    for nap in naps:
        console.print(f"NAP {nap.iteration}: {nap.title} ({nap.period_start} to {nap.period_end})")


@focal_points_app.command("set")
@handled
def focal_points_set(
    member: str,
    name: str = typer.Option(..., "--name"),
    email: str = typer.Option(..., "--email"),
    title: str | None = typer.Option(None, "--title", help="Position, e.g. 'Head of Division'"),
    ministry: str | None = typer.Option(None, "--ministry"),
    honorific: Honorific | None = typer.Option(
        None, "--honorific", help="Ms or Mr: the salutation (Dear Ms …, Madame, Estimada Sra. …)"
    ),
    rank: Rank | None = typer.Option(
        None, "--rank", help="Dr, Ambassador or Professor, used in the salutation"
    ),
    family_name: str | None = typer.Option(
        None, "--family-name", help="Default: the last word of --name"
    ),
    location: Location = typer.Option(Location.CAPITAL, "--location"),
    as_: str | None = AS_OPTION,
) -> None:
    """Designate a member's focal point from today; the previous one is kept in the history."""
    from operations.refusals import require_secretariat

    actor = acting(as_)
    s = store()
    code = s.get_member(member).code
    require_secretariat(s, actor, "designate_focal_points", member=code)
    fp = s.set_focal_point(
        code,
        name=name,
        email=email,
        title=title,
        ministry=ministry,
        location=location,
        by=actor.email,
        honorific=honorific,
        rank=rank,
        family_name=family_name or (name.split()[-1] if honorific or rank else None),
    )
    console.print(
        f"{fp.name} <{fp.email}> is the focal point of {code} "
        f"({location.value.replace('_', ' ')}) from {fp.active_from}."
    )


@users_app.command("add")
@handled
def users_add(
    email: str,
    role: Role = typer.Option(..., "--role"),
    member: str | None = typer.Option(None, "--member"),
    as_: str | None = AS_OPTION,
) -> None:
    """Register a person with a role (a focal point also names their member)."""
    from operations.refusals import require_secretariat

    actor = acting(as_)
    s = store()
    require_secretariat(s, actor, "add_users")
    user = s.add_user(email, role, member)
    where = f" of {user.member}" if user.member else ""
    console.print(f"{user.email} is registered as {role.value.replace('_', ' ')}{where}.")


def register(app: typer.Typer) -> None:
    app.add_typer(members_app, name="members")
    app.add_typer(focal_points_app, name="focal-points")
    app.add_typer(users_app, name="users")

    @app.command("schema")
    @handled
    def schema(name: DocumentName) -> None:
        """The JSON Schema of a document people submit."""
        print_json(document_model(name).model_json_schema())

    @app.command("template")
    @handled
    def template(name: DocumentName, member: str) -> None:
        """A valid example document to start from."""
        from schemas.examples import example_peer_review, example_self_assessment

        m = store().get_member(member)
        document = (
            example_self_assessment(m)
            if name is DocumentName.SELF_ASSESSMENT
            else example_peer_review()
        )
        print(json.dumps(document.model_dump(mode="json"), indent=2, ensure_ascii=False))
