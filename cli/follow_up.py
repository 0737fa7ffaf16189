"""`napreview follow-up`: following a completed review's recommendations (issue #22)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from napreview.cli.common import (
    AS_OPTION,
    EXIT_REFUSED,
    EXIT_USAGE,
    JSON_OPTION,
    acting,
    client,
    console,
    describe_deadline,
    fail,
    handled,
    member_codes,
    parse_date,
    parse_duration,
    parse_span,
    print_json,
    print_table,
    run,
    say,
    settings,
    store,
    words,
)

if TYPE_CHECKING:
    from napreview.schemas.follow_up import FollowUpTaken
    from napreview.services.documents import Swept
    from napreview.services.evidence import Upload
    from napreview.services.follow_up import FollowUpRecord

follow_up_app = typer.Typer(
    help="Follow a completed review's recommendations through to implementation.",
    no_args_is_help=True,
)
STATUSES = "not_started, under_way, done or not_pursued"


def _member(code: str) -> str:
    from napreview.services.members import get

    return get(store(), code).code


def _upload(path: Path, option: str) -> Upload:
    """A file named on the command line, to be kept as evidence under its own name."""
    from napreview.services.evidence import Upload

    try:
        return Upload(path.name, path.read_bytes())
    except OSError as err:
        raise fail(EXIT_USAGE, f"{option}: cannot read {path} ({err.strerror}).") from None


def _answered(taken: FollowUpTaken, what: str) -> None:
    due = (
        f"; progress report {taken.period} due {describe_deadline(taken.due)}" if taken.due else ""
    )
    closed = "; every item is settled, the follow-up is closed" if taken.closed else ""
    say(f"{what}. {taken.open_items} item(s) open{due}{closed}.")


@follow_up_app.command("start")
@handled
def start(
    cycle: str,
    members: str | None = typer.Argument(
        None, help="DEU,ESP,... (default: every approved review without one)"
    ),
    every: str | None = typer.Option(
        None, "--every", help="How often the cycle's members report, e.g. 180d (default 365d)"
    ),
    reminder: str | None = typer.Option(
        None, "--reminder", help="How long before a report is due its reminder goes (30d)"
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Start the follow-up of approved reviews that have none (the secretariat): those approved
    before follow-ups existed. A review approved since starts its own."""
    from napreview.schemas.follow_up import FollowUpTerms
    from napreview.services import follow_up

    actor = acting(as_)
    codes = member_codes(members) if members else None
    terms = None
    if every or reminder:
        defaults = FollowUpTerms()
        terms = FollowUpTerms(
            interval=parse_span(every, "--every") if every else defaults.interval,
            reminder=parse_span(reminder, "--reminder") if reminder else defaults.reminder,
        )
        if terms.reminder >= terms.interval:
            raise fail(EXIT_USAGE, "--reminder must be shorter than --every.")

    async def go() -> list[follow_up.Started]:
        return await follow_up.start(
            await client(), store(), actor, cycle, codes, settings().task_queue, terms
        )

    started = run(go())
    if not started:
        say(f"No approved review of cycle {cycle} without a follow-up: nothing to start.")
    for one in started:
        if one.started:
            say(f"{one.member}: follow-up started.")
    refused = [f"{one.member}: {one.why}" for one in started if not one.started]
    if refused:
        raise fail(EXIT_REFUSED, "Refused: " + "\n".join(refused))


def show_json(record: FollowUpRecord) -> dict[str, Any]:
    from napreview.services.follow_up import views

    s = record.state
    return {
        "cycle": s.cycle,
        "member": s.member,
        "closed": s.closed_at is not None,
        "period": s.period,
        "due": s.deadline.due.isoformat() if s.deadline else None,
        "overdue": s.overdue,
        "items": [
            {
                **item.model_dump(mode="json", exclude={"text_sha256"}),
                "status": item.status.value,
                "text": view.text,
            }
            for item, view in zip(s.items, views(record), strict=True)
        ],
        "reports": [r.model_dump(mode="json") for r in s.reports],
        "letters": [letter.id for letter in s.letters],
        "rejected": [r.model_dump(mode="json") for r in s.rejected],
    }


@follow_up_app.command("show")
@handled
def show(cycle: str, member: str, as_json: bool = JSON_OPTION, as_: str | None = AS_OPTION) -> None:
    """A follow-up's items with their status, and its progress reports (for those who read the
    review)."""
    from napreview.services import follow_up

    record = follow_up.read(store(), acting(as_), cycle, _member(member))
    if as_json:
        print_json(show_json(record))
        return
    s = record.state
    state = "closed" if s.closed_at else f"progress report {s.period} due"
    due = f" {describe_deadline(s.deadline.due)}" if s.deadline and not s.closed_at else ""
    overdue = " [red](overdue)[/red]" if s.overdue else ""
    console.print(
        f"[bold]Follow-up of {s.member}[/bold], cycle {s.cycle}: {state}{due}{overdue}",
        highlight=False,
    )
    rows = [
        [
            v.key,
            words(v.status),
            v.text,
            v.lead_institution or "",
            v.target_date.isoformat() if v.target_date else "",
            " ".join(t for t in (v.tags.pillar, v.tags.gr30_paragraph, v.tags.sdg_target) if t),
        ]
        for v in follow_up.views(record)
    ]
    print_table(
        "Items", ["Item", "Status", "Recommendation", "Lead", "Target", "Tags"], rows, ["Item"]
    )
    for r in s.reports:
        ack = f", acknowledged {r.acknowledged_at:%Y-%m-%d}" if r.acknowledged_at else ""
        say(f"Progress report {r.period}: received {r.submitted_at:%Y-%m-%d}{ack}")


@follow_up_app.command("update")
@handled
def update(
    cycle: str,
    member: str,
    item: str = typer.Argument(..., help="The item's key, e.g. network:P4 (see follow-up show)"),
    status: str | None = typer.Option(None, "--status", help=STATUSES),
    reason: str | None = typer.Option(None, "--reason", help="Why (required for not_pursued)"),
    lead: str | None = typer.Option(None, "--lead", help="The lead institution"),
    target: str | None = typer.Option(None, "--target", help="Target date, 2028-12-31"),
    link: list[str] = typer.Option([], "--link", help="A public page as evidence (repeat)"),
    sdg: str | None = typer.Option(None, "--sdg", help="The SDG target, e.g. 5.5"),
    file: list[Path] = typer.Option(
        [], "--file", help="A document as evidence: PDF, Word, Excel or OpenDocument (repeat)"
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Change one item (the member's focal point): its status, lead institution, target date,
    evidence (links, documents) or SDG target."""
    from napreview.schemas.follow_up import Evidence, EvidenceKind, ItemStatus, ItemUpdate
    from napreview.services import follow_up

    code = _member(member)
    if status is not None and status not in set(ItemStatus):
        raise fail(EXIT_USAGE, f"--status: {status!r} is not one of {STATUSES}.")
    change = ItemUpdate(
        key=item,
        status=ItemStatus(status) if status else None,
        reason=reason,
        lead_institution=lead,
        target_date=parse_date(target, "--target") if target else None,
        evidence=[Evidence(kind=EvidenceKind.LINK, ref=url) for url in link],
        sdg_target=sdg,
    )
    files = [_upload(path, "--file") for path in file]
    actor = acting(as_)

    async def go() -> FollowUpTaken:
        return await follow_up.update_item(
            await client(), store(), actor, cycle, code, change, files
        )

    _answered(run(go()), f"Item {item} updated")


@follow_up_app.command("report")
@handled
def report(
    cycle: str,
    member: str,
    file: Path,
    evidence_file: list[str] = typer.Option(
        [],
        "--evidence-file",
        help="ITEM=PATH: a document as evidence of an item, e.g. network:P4=law.pdf (repeat)",
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Send the progress report asked for now (the member's focal point): a JSON file with a
    narrative and the items it changes ('napreview template progress-report MEMBER' starts one
    with the open items; 'napreview schema progress-report' describes it), and documents as
    evidence (PDF, Word, Excel or OpenDocument)."""
    from napreview.schemas.follow_up import ProgressReport
    from napreview.services import follow_up
    from napreview.services.steps import read_document

    code = _member(member)
    body = read_document(file, ProgressReport)
    files: dict[str, list[Upload]] = {}
    for given in evidence_file:
        item, sep, path = given.partition("=")
        if not sep or not item or not path:
            raise fail(EXIT_USAGE, f"--evidence-file: give ITEM=PATH, not {given!r}.")
        files.setdefault(item, []).append(_upload(Path(path), "--evidence-file"))
    actor = acting(as_)

    async def go() -> FollowUpTaken:
        return await follow_up.report(await client(), store(), actor, cycle, code, body, files)

    _answered(run(go()), "Progress report received")


@follow_up_app.command("evidence")
@handled
def evidence(
    cycle: str,
    member: str,
    document: str = typer.Argument(..., help="The document's id (see follow-up show --json)"),
    output: Path = typer.Option(..., "--output", "-o", help="Where to save it"),
    as_: str | None = AS_OPTION,
) -> None:
    """Save a document kept as evidence of the follow-up (for those who read the review)."""
    from napreview.services.evidence import download

    found, data = download(store(), acting(as_), cycle, _member(member), document)
    output.write_bytes(data)
    say(f"{found.filename} ({found.size} bytes, SHA-256 {found.sha256}) saved to {output}.")


@follow_up_app.command("acknowledge")
@handled
def acknowledge(
    cycle: str,
    member: str,
    period: int = typer.Argument(..., help="The report's number (see follow-up show)"),
    comments: str = typer.Option("", "--comments"),
    as_: str | None = AS_OPTION,
) -> None:
    """Acknowledge a progress report (the secretariat)."""
    from napreview.services import follow_up

    code = _member(member)
    actor = acting(as_)

    async def go() -> FollowUpTaken:
        return await follow_up.acknowledge(
            await client(), store(), actor, cycle, code, period, comments
        )

    _answered(run(go()), f"Progress report {period} acknowledged")


@follow_up_app.command("export")
@handled
def export(
    cycle: str,
    member: str | None = typer.Argument(None, help="One member (default: every one you read)"),
    output: Path = typer.Option(..., "--output", "-o", help="The file (.csv or .xlsx)"),
    as_: str | None = AS_OPTION,
) -> None:
    """The items of a cycle's follow-ups with their status, lead, target date and tags, as a
    spreadsheet (CSV or XLSX by the output's ending)."""
    from napreview.services import exports, follow_up

    form = output.suffix.lstrip(".").lower()
    if form not in exports.FORMATS:
        raise fail(EXIT_USAGE, "--output: give a .csv or .xlsx file.")
    code = _member(member) if member else None
    table = follow_up.export(store(), acting(as_), cycle, code)
    data, _, _ = exports.encoded(table, form)
    output.write_bytes(data)
    say(f"{len(table.rows)} rows written to {output}.")


@follow_up_app.command("annual-report")
@handled
def annual_report(
    cycle: str,
    language: str = typer.Option("en", "--language", help="en, fr or es"),
    pdf: Path | None = typer.Option(None, "--pdf", help="Write the report as PDF to this file"),
    html: Path | None = typer.Option(None, "--html", help="Write it as HTML to this file"),
    as_: str | None = AS_OPTION,
) -> None:
    """The report for the Network's annual meeting (the secretariat, auditors): implementation
    of the cycle by theme and by member, the cycles side by side and the trends of the global
    indicators, dated; the document /follow-ups/report shows. Without --pdf or --html, the HTML
    is printed."""
    from napreview.services import annual_report as report_ops

    if language not in ("en", "fr", "es"):
        raise fail(EXIT_USAGE, "--language: give en, fr or es.")
    if pdf is not None and html is not None:
        raise fail(EXIT_USAGE, "Give --pdf or --html, not both.")
    report = report_ops.annual_report(store(), acting(as_), cycle)
    document = report_ops.as_html(report, language)
    if pdf is not None:
        pdf.write_bytes(report_ops.as_pdf(document))
        say(f"The report of cycle {cycle} is written to {pdf}.")
    elif html is not None:
        html.write_text(document, encoding="utf-8")
        say(f"The report of cycle {cycle} is written to {html}.")
    else:
        print(document, end="")


@follow_up_app.command("publish")
@handled
def publish(cycle: str, member: str, as_: str | None = AS_OPTION) -> None:
    """Make the follow-up public on a read-only page (the member's focal point): its items,
    their status and tags and the report dates; no one's name. Nothing is public before."""
    from napreview.services import publication

    code = _member(member)
    given = publication.publish(store(), acting(as_), cycle, code)
    url = settings().portal_url.rstrip("/") + publication.path(cycle, code)
    say(f"The follow-up of {code} in cycle {cycle} is public since {given.at:%Y-%m-%d}: {url}")


@follow_up_app.command("unpublish")
@handled
def unpublish(cycle: str, member: str, as_: str | None = AS_OPTION) -> None:
    """Withdraw the consent to publish the follow-up (the member's focal point), at any time:
    its public page is gone at once."""
    from napreview.services import publication

    code = _member(member)
    publication.unpublish(store(), acting(as_), cycle, code)
    say(f"The follow-up of {code} in cycle {cycle} is not public.")


@follow_up_app.command("sweep")
@handled
def sweep(
    older_than: str = typer.Option(
        "7d", "--older-than", help="Grace period: only files stored longer ago, e.g. 7d"
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Remove the documents and progress-report bodies no follow-up took (kept for a step
    whose front end died before sending it), once older than the grace period (secretariat).
    Each follow-up with such files is asked first what it holds."""
    from napreview.services import follow_up_files

    grace = parse_duration(older_than, "--older-than")

    async def swept_now() -> Swept:
        held = follow_up_files.held_by_follow_ups(await client())
        return await follow_up_files.sweep(store(), acting(as_), held, grace)

    swept = run(swept_now())
    say(
        f"{_files(swept.removed)} no follow-up took, stored before "
        f"{swept.before:%Y-%m-%d %H:%M} UTC, removed; {_files(swept.taken)} held by their "
        "follow-up, kept."
    )
    if swept.unasked:
        say(
            f"{_files(swept.unasked)} kept: their follow-up did not answer (is a worker "
            "running?). They will be looked at again by the next sweep."
        )


def _files(n: int) -> str:
    return f"{n} file{'s' if n != 1 else ''}"


def register(app: typer.Typer) -> None:
    app.add_typer(follow_up_app, name="follow-up")
