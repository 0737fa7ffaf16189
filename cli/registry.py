"""Members, focal points, users, and the document schemas and templates people fill in."""

from __future__ import annotations

import json
from enum import StrEnum

import typer
from pydantic import BaseModel
from rich.table import Table

from napreview.cli.common import (
    AS_OPTION,
    EXIT_REFUSED,
    EXIT_USAGE,
    JSON_OPTION,
    administrator,
    check_acting,
    console,
    describe_day,
    errors,
    fail,
    handled,
    parse_date,
    print_json,
    print_table,
    say,
    store,
)
from napreview.schemas.members import (
    CedawStatus,
    Honorific,
    Language,
    Location,
    Member,
    MemberKind,
    Rank,
    RegionalGroup,
    Role,
)
from napreview.schemas.names import LocalNames

members_app = typer.Typer(help="The Network's members.", no_args_is_help=True)
focal_points_app = typer.Typer(help="Members' WPS focal points.", no_args_is_help=True)
users_app = typer.Typer(help="People who may act in napreview.", no_args_is_help=True)


class DocumentName(StrEnum):
    SELF_ASSESSMENT = "self-assessment"
    PEER_REVIEW = "peer-review"
    PROGRESS_REPORT = "progress-report"


def document_model(name: DocumentName) -> type[BaseModel]:
    from napreview.schemas.follow_up import ProgressReport
    from napreview.schemas.submissions import PeerReview, SelfAssessment

    models: dict[DocumentName, type[BaseModel]] = {
        DocumentName.SELF_ASSESSMENT: SelfAssessment,
        DocumentName.PEER_REVIEW: PeerReview,
        DocumentName.PROGRESS_REPORT: ProgressReport,
    }
    return models[name]


def member_json(member: Member) -> dict[str, object]:
    return member.model_dump(mode="json")


def _words(value: str) -> str:
    return value.replace("_", " ")


@members_app.command("list")
@handled
def members_list(
    all_: bool = typer.Option(False, "--all", help="Also the members that have left"),
    as_json: bool = JSON_OPTION,
    as_: str | None = AS_OPTION,
) -> None:
    """The members of the Network today: code, name, kind, regional group, CEDAW status,
    language (with --all, those that left too, with the day they left)."""
    from napreview.schemas.text import today
    from napreview.services import members as network

    check_acting(as_)
    members = network.every_member(store()) if all_ else network.current(store())
    if as_json:
        print_json(members)
        return
    day = today()
    former = [m for m in members if not m.belongs_on(day)]
    title = f"{len(members) - len(former)} members of the WPS Focal Points Network"
    if former:
        title += f", and {len(former)} that left or join later"
    table = Table(title=title)
    for column in ("Code", "Name", "Kind", "Group", "CEDAW", "Language"):
        table.add_column(column)
    if former:
        table.add_column("Member")
    for m in members:
        row = [
            m.code,
            m.name,
            _words(m.kind.value),
            m.regional_group.value if m.regional_group else "-",
            _words(m.cedaw_status.value),
            m.language.value,
        ]
        if former:
            row.append(_membership(m))
        table.add_row(*row)
    console.print(table)


def _membership(m: Member) -> str:
    """'since 15 Jan 2027', 'left 30 Jun 2027', 'from 1 Mar 2028'."""
    from napreview.schemas.text import today

    if m.left_on is not None and m.left_on <= today():
        return f"left {describe_day(m.left_on)}"
    if m.joined_on is not None:
        return f"{'from' if m.joined_on > today() else 'since'} {describe_day(m.joined_on)}"
    return ""


@members_app.command("show")
@handled
def members_show(member: str, as_json: bool = JSON_OPTION, as_: str | None = AS_OPTION) -> None:
    """One member with its membership, its names in en/fr/es, focal points (current and past)
    and NAPs."""
    from napreview.i18n.names import name_forms
    from napreview.services.members import profile

    check_acting(as_)
    found = profile(store(), member)
    m, history, naps = found.member, found.focal_points, found.naps
    if as_json:
        print_json(
            {
                **member_json(m),
                "names_missing": missing_names(m),
                "focal_points": [fp.model_dump(mode="json") for fp in history],
                "naps": [n.model_dump(mode="json") for n in naps],
            }
        )
        return
    console.print(f"[bold]{m.name}[/bold] ({m.code})", highlight=False)
    group = m.regional_group.value if m.regional_group else "regional organisation"
    console.print(
        f"Group: {group}   CEDAW: {_words(m.cedaw_status.value)}   Language: {m.language.value}",
        highlight=False,
    )
    membership = _membership(m)
    if membership:
        console.print(f"Member of the Network: {membership}", highlight=False)
    names = "; ".join(
        f"{language.value} {name_forms(m, language).name}"
        for language in Language
        if language.value not in missing_names(m)
    )
    say(f"Names: {names}")
    for language in missing_names(m):
        say(missing_words(m, language))
    print_table(
        "Focal points",
        ("Name", "Email", "Location", "From", "To"),
        (
            (
                fp.name,
                fp.email,
                _words(fp.location.value),
                str(fp.active_from),
                str(fp.active_to or "current"),
            )
            for fp in history
        ),
        whole=("Email",),
    )
    for nap in naps:
        console.print(f"NAP {nap.iteration}: {nap.title} ({nap.period_start} to {nap.period_end})")


LANGUAGE_NAMES = {"fr": "French", "es": "Spanish"}


def missing_names(m: Member) -> list[str]:
    """The languages (fr, es) a member added later has no name in yet."""
    return m.names.missing() if m.names is not None else []


def missing_words(m: Member, language: str) -> str:
    return (
        f"No {LANGUAGE_NAMES[language]} name is recorded: letters in {LANGUAGE_NAMES[language]} "
        f"name it {m.name!r}, in English, until 'napreview members names {m.code} "
        f"--name-{language} …' records it."
    )


GENDER_HELP = "m or f, where the article does not tell (l', les, none)"


def _local_names(
    name: str,
    name_fr: str | None,
    gender_fr: str | None,
    name_es: str | None,
    gender_es: str | None,
) -> LocalNames:
    """The names as typed, composed by the grammar of i18n/names.py; a problem names its
    option."""
    from napreview.i18n.names import parse_name
    from napreview.services.inputs import fit_line

    found: dict[str, object] = {}
    for language, option, typed, gender in (
        ("en", "--name", name, None),
        ("fr", "--name-fr", name_fr, gender_fr),
        ("es", "--name-es", name_es, gender_es),
    ):
        if gender is not None and gender not in ("m", "f"):
            raise fail(EXIT_USAGE, f"--gender-{language}: give m or f, not {gender!r}.")
        if typed is None:
            if gender is not None:
                raise fail(EXIT_USAGE, f"--gender-{language} goes with {option}.")
            continue
        fit_line(f"name_{language}", typed)  # as typed: the parsing joins lines
        try:
            found[language] = parse_name(language, typed, gender)  # type: ignore[arg-type]
        except ValueError as err:
            hint = f"; add --gender-{language} m or f" if "needs its gender" in str(err) else ""
            raise fail(EXIT_USAGE, f"{option}: {err}{hint}.") from None
    return LocalNames.model_validate(found)


@members_app.command("add")
@handled
def members_add(
    code: str = typer.Argument(..., help="ISO 3166-1 alpha-3 for a state, an acronym otherwise"),
    name: str = typer.Option(
        ..., "--name", help="English short name, with 'the' where it takes one ('the Gambia')"
    ),
    kind: MemberKind = typer.Option(..., "--kind"),
    group: RegionalGroup | None = typer.Option(
        None, "--group", help="UN regional group of a state (none for an organisation)"
    ),
    language: Language = typer.Option(
        Language.EN, "--language", help="Correspondence language of its letters"
    ),
    joined: str | None = typer.Option(None, "--joined", help="The day it joined (default today)"),
    name_fr: str | None = typer.Option(
        None, "--name-fr", help="French name with its article: 'la Gambie', \"l'Irlande\""
    ),
    gender_fr: str | None = typer.Option(None, "--gender-fr", help=GENDER_HELP),
    name_es: str | None = typer.Option(
        None, "--name-es", help="Spanish name with its article: 'Gambia', 'el Perú'"
    ),
    gender_es: str | None = typer.Option(None, "--gender-es", help=GENDER_HELP),
    names_pending: bool = typer.Option(
        False,
        "--names-pending",
        help="Add it without a French or Spanish name (letters then use the English one)",
    ),
    cedaw: CedawStatus | None = typer.Option(
        None, "--cedaw", help="A state: state_party (default) or not_party"
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """A member joins the Network (secretariat): it is drawn and invited in cycles started
    from the day it joined."""
    from napreview.services.members import add_member, focal_points

    names = _local_names(name, name_fr, gender_fr, name_es, gender_es)
    missing = names.missing()
    if missing and not names_pending:
        options = " and ".join(f"--name-{language}" for language in missing)
        raise fail(
            EXIT_USAGE,
            f"{options}: letters in French and Spanish name every member in that language, "
            "with its article ('la Gambie', \"l'Irlande\", 'el Perú'). Give "
            f"{options} (with --gender-fr/--gender-es where the article does not tell "
            "masculine from feminine), or --names-pending to add the member now and record "
            "them later with 'napreview members names'.",
        )
    joined_on = parse_date(joined, "--joined") if joined else None
    actor = administrator(as_, "add_members")
    assert names.en is not None
    member = add_member(
        store(),
        actor,
        code=code,
        name=names.en.short,
        kind=kind,
        regional_group=group,
        language=language,
        joined_on=joined_on,
        names=names,
        cedaw_status=cedaw,
    )
    assert member.joined_on is not None
    where = f"{member.regional_group.value}, " if member.regional_group else ""
    say(
        f"{member.name} ({member.code}; {where}letters in {member.language.value}) is a member "
        f"of the Network from {describe_day(member.joined_on)}: drawn and invited in cycles "
        "started from that day."
    )
    for lacking in missing:
        say(missing_words(member, lacking))
    focal = focal_points(store(), member.code)
    if focal:
        say(f"Example focal point (trial installation): {focal[0].email}.")
    else:
        say(
            f"Designate its focal point with: napreview focal-points set {member.code} "
            "--name NAME --email EMAIL"
        )


@members_app.command("leave")
@handled
def members_leave(
    code: str,
    on: str = typer.Option(..., "--on", help="The day it leaves, e.g. 2027-06-30"),
    as_: str | None = AS_OPTION,
) -> None:
    """A member leaves the Network (secretariat): dated, never deleted. It is neither drawn nor
    invited in cycles started from that day; its past reviews and letters stay readable."""
    from napreview.services.members import leave

    day = parse_date(on, "--on")
    member = leave(store(), administrator(as_, "record_members_leaving"), code, day)
    say(
        f"{member.name} ({member.code}) leaves the Network on {describe_day(day)}: it is neither "
        "drawn nor invited in cycles started from that day. Its past reviews and letters stay "
        "readable."
    )


@members_app.command("names")
@handled
def members_names(
    code: str,
    name_fr: str | None = typer.Option(None, "--name-fr", help="French name with its article"),
    gender_fr: str | None = typer.Option(None, "--gender-fr", help=GENDER_HELP),
    name_es: str | None = typer.Option(None, "--name-es", help="Spanish name with its article"),
    gender_es: str | None = typer.Option(None, "--gender-es", help=GENDER_HELP),
    as_: str | None = AS_OPTION,
) -> None:
    """Record the French or Spanish name of a member added later (secretariat)."""
    from napreview.i18n.names import known_codes
    from napreview.services.members import get, record_names

    s = store()
    m = get(s, code)
    if m.code in known_codes():
        raise fail(
            EXIT_REFUSED,
            f"Refused: the names of {m.name} are data in i18n/member_names.json (checked "
            "against UNTERM); correct them there.",
        )
    if name_fr is None and name_es is None:
        raise fail(EXIT_USAGE, "Give --name-fr, --name-es or both.")
    names = _local_names(m.name, name_fr, gender_fr, name_es, gender_es)
    by = administrator(as_, "name_members")
    member = record_names(s, by, m.code, names.model_copy(update={"en": None}))
    from napreview.i18n.names import name_forms

    recorded = "; ".join(
        f"{language} {name_forms(member, language).name}"
        for language, typed in (("fr", name_fr), ("es", name_es))
        if typed is not None
    )
    say(f"Names of {member.name} ({member.code}) recorded: {recorded}.")
    for language in missing_names(member):
        say(missing_words(member, language))


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
    from napreview.services.users import designate_focal_point

    fp = designate_focal_point(
        store(),
        administrator(as_, "designate_focal_points"),
        member,
        name=name,
        email=email,
        title=title,
        ministry=ministry,
        location=location,
        honorific=honorific,
        rank=rank,
        family_name=family_name,
    )
    console.print(
        f"{fp.name} <{fp.email}> is the focal point of {fp.member} "
        f"({location.value.replace('_', ' ')}) from {fp.active_from}."
    )


@focal_points_app.command("deputy")
@handled
def focal_points_deputy(
    member: str,
    name: str = typer.Option(..., "--name"),
    email: str = typer.Option(..., "--email"),
    end: bool = typer.Option(False, "--end", help="The deputy serves no longer, from today"),
    as_: str | None = AS_OPTION,
) -> None:
    """Designate a member's deputy focal point from today (the focal point's rights, acting as
    themselves; letters still go to the focal point), or end one with --end."""
    from napreview.services.users import designate_deputy, end_deputy

    by = administrator(as_, "designate_focal_points")
    if end:
        gone = end_deputy(store(), by, member, email)
        console.print(f"{gone.name} <{gone.email}> is no longer a deputy of {gone.member}.")
        return
    deputy = designate_deputy(store(), by, member, name=name, email=email)
    console.print(
        f"{deputy.name} <{deputy.email}> is a deputy focal point of {deputy.member} "
        f"from {deputy.active_from}."
    )


@users_app.command("add")
@handled
def users_add(
    email: str,
    role: Role = typer.Option(..., "--role"),
    member: str | None = typer.Option(None, "--member"),
    bootstrap: bool = typer.Option(
        False,
        "--bootstrap",
        help="The first secretariat of an installation that has none of its own: no identity "
        "needed, works only then; prints their personal token",
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Register a person with a role (secretariat; a focal point also names their member)."""
    from napreview.services.users import add_user, bootstrap_secretariat

    if bootstrap:
        if role is not Role.SECRETARIAT or member or as_:
            raise fail(EXIT_USAGE, "--bootstrap goes with --role secretariat alone.")
        token = bootstrap_secretariat(store(), email)
        console.print(
            f"{email.strip().lower()} is registered as the first secretariat of this "
            "installation. Their personal token, shown only now (give it to them in person or "
            "by a safe channel; they keep it with 'napreview login'):",
            markup=False,
            highlight=False,
        )
        typer.echo(token)
        return
    user = add_user(store(), administrator(as_, "add_users"), email, role, member)
    where = f" of {user.member}" if user.member else ""
    console.print(f"{user.email} is registered as {role.value.replace('_', ' ')}{where}.")


def register(app: typer.Typer) -> None:
    app.add_typer(members_app, name="members")
    app.add_typer(focal_points_app, name="focal-points")
    app.add_typer(users_app, name="users")

    @app.command("schema")
    @handled
    def schema(name: DocumentName, as_: str | None = AS_OPTION) -> None:
        """The JSON Schema of a document people submit."""
        check_acting(as_)
        print_json(document_model(name).model_json_schema())

    @app.command("template")
    @handled
    def template(name: DocumentName, member: str, as_: str | None = AS_OPTION) -> None:
        """A valid example document to start from (a self-assessment starts from the member's
        follow-up where it has one; a progress report lists its open items)."""
        check_acting(as_)
        from napreview.schemas.examples import example_peer_review, example_self_assessment
        from napreview.services.members import get
        from napreview.services.next_cycle import prefilled_self_assessment, report_template

        m = get(store(), member)
        document: BaseModel = example_peer_review()
        if name is DocumentName.PROGRESS_REPORT:
            document = report_template(store(), m.code)
        elif name is DocumentName.SELF_ASSESSMENT:
            document = example_self_assessment(m)
            prefilled = prefilled_self_assessment(store(), m)
            if prefilled is not None:
                document, cycle = prefilled
                errors.print(
                    f"Started from the follow-up of the {cycle} review of {m.name}: each "
                    "recommendation's status as the follow-up left it.",
                    markup=False,
                    highlight=False,
                )
        print(json.dumps(document.model_dump(mode="json"), indent=2, ensure_ascii=False))
