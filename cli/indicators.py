"""`napreview indicators`: the global indicators of women, peace and security (S/2010/498), each
member's own plan indicators, and the values members record for them (issue #22). Scoped like
every read: a focal point sees its own member's, the secretariat and auditors every member's."""

from __future__ import annotations

from pathlib import Path

import typer

from napreview.cli.common import (
    AS_OPTION,
    EXIT_USAGE,
    JSON_OPTION,
    acting,
    fail,
    handled,
    print_json,
    print_table,
    say,
    store,
)
from napreview.schemas.indicators import (
    Indicator,
    IndicatorValue,
    Measure,
    NewPlanIndicator,
    Reading,
    Titles,
    ValueKind,
)
from napreview.schemas.nap import Pillar

indicators_app = typer.Typer(
    help="Indicators of women, peace and security and the values members record.",
    no_args_is_help=True,
)

MEMBER_OPTION = typer.Option(None, "--member", help="Only this member's (a member code)")


def _indicator_json(found: Indicator) -> dict[str, object]:
    return found.model_dump(mode="json")


def _value_json(value: IndicatorValue) -> dict[str, object]:
    return value.model_dump(mode="json")


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def _reading(value: IndicatorValue) -> str:
    r = value.reading
    if r.text:
        return r.text
    by_sex = [f"women {_number(r.women)}"] * (r.women is not None) + [f"men {_number(r.men)}"] * (
        r.men is not None
    )
    total = f"total {_number(r.total)}" if r.total is not None else ""
    return ", ".join([*by_sex, total] if total else by_sex)


@indicators_app.command("list")
@handled
def indicators_list(
    member: str | None = MEMBER_OPTION,
    as_json: bool = JSON_OPTION,
    as_: str | None = AS_OPTION,
) -> None:
    """The Secretary-General's global indicators (SG-01 to SG-26), then the members' own."""
    from napreview.services import indicators

    found = indicators.catalogue(store(), acting(as_), member)
    if as_json:
        print_json([_indicator_json(i) for i in found])
        return
    print_table(
        "Indicators",
        ["Id", "Member", "Pillar", "Measure", "By sex", "Title"],
        [
            [
                i.id,
                i.member or "global",
                i.pillar.value.replace("_", " "),
                i.measure.value,
                "yes" if i.by_sex else "no",
                i.title.en + ("" if i.checked else " (wording to be checked against S/2010/498)"),
            ]
            for i in found
        ],
        whole=("Id",),
    )


@indicators_app.command("show")
@handled
def indicators_show(
    indicator_id: str = typer.Argument(..., metavar="INDICATOR"),
    member: str | None = MEMBER_OPTION,
    as_json: bool = JSON_OPTION,
    as_: str | None = AS_OPTION,
) -> None:
    """An indicator, with the values recorded for it (of the members you read)."""
    from napreview.services import indicators

    view = indicators.show(store(), acting(as_), indicator_id, member)
    if as_json:
        print_json(
            {
                "indicator": _indicator_json(view.indicator),
                "values": [_value_json(v) for v in view.values],
            }
        )
        return
    i = view.indicator
    say(f"{i.id}  {i.title.en}")
    say(
        f"{'Plan indicator of ' + i.member if i.member else 'Global indicator (S/2010/498)'}; "
        f"{i.pillar.value.replace('_', ' ')}; {i.measure.value}"
        + ("; kept by sex" if i.by_sex else "")
    )
    if not view.values:
        say("No values recorded.")
        return
    print_table(
        None,
        ["Member", "Period", "Kind", "Value", "Source", "Recorded by"],
        [
            [v.member, v.period, v.kind.value, _reading(v), v.source, v.recorded_by]
            for v in view.values
        ],
        whole=("Member", "Period"),
    )


@indicators_app.command("add")
@handled
def indicators_add(
    member: str = typer.Argument(..., help="The member whose plan the indicator belongs to"),
    title: str = typer.Option(..., "--title", help="The indicator's title in English"),
    pillar: Pillar = typer.Option(..., "--pillar"),
    measure: Measure = typer.Option(..., "--measure"),
    by_sex: bool = typer.Option(False, "--by-sex", help="Values are kept for women and men"),
    title_fr: str | None = typer.Option(None, "--title-fr", help="Its title in French"),
    title_es: str | None = typer.Option(None, "--title-es", help="Its title in Spanish"),
    as_json: bool = JSON_OPTION,
    as_: str | None = AS_OPTION,
) -> None:
    """Add one of a member's own plan indicators (its focal point or the secretariat)."""
    from napreview.services import indicators

    new = NewPlanIndicator(
        pillar=pillar,
        measure=measure,
        by_sex=by_sex,
        title=Titles(en=title, fr=title_fr, es=title_es),
    )
    added = indicators.add(store(), acting(as_), member, new)
    if as_json:
        print_json(_indicator_json(added))
        return
    say(f"Indicator {added.id} added to the plan of {added.member}: {added.title.en}")


@indicators_app.command("record")
@handled
def indicators_record(
    member: str = typer.Argument(...),
    indicator_id: str = typer.Argument(..., metavar="INDICATOR"),
    period: str = typer.Argument(..., help="A year (2024), a half (2024-H1) or quarter (2024-Q3)"),
    source: str = typer.Option(..., "--source", help="Where the value comes from"),
    kind: ValueKind = typer.Option(ValueKind.MEASURED, "--kind"),
    women: float | None = typer.Option(None, "--women"),
    men: float | None = typer.Option(None, "--men"),
    total: float | None = typer.Option(None, "--total"),
    text: str | None = typer.Option(None, "--text", help="For a qualitative indicator"),
    as_json: bool = JSON_OPTION,
    as_: str | None = AS_OPTION,
) -> None:
    """Record a member's value of an indicator for a period: measured, baseline or target."""
    from napreview.services import indicators

    value = indicators.new_value(
        indicator=indicator_id,
        member=member,
        period=period,
        kind=kind,
        reading=Reading(women=women, men=men, total=total, text=text),
        source=source,
    )
    kept = indicators.record(store(), acting(as_), value)
    if as_json:
        print_json(_value_json(kept))
        return
    say(
        f"Recorded for {kept.member}, {kept.indicator}, {kept.period} ({kept.kind.value}): "
        f"{_reading(kept)}."
    )


@indicators_app.command("export")
@handled
def indicators_export(
    output: Path = typer.Option(..., "--output", "-o", help="The file (.csv or .xlsx)"),
    member: str | None = MEMBER_OPTION,
    as_: str | None = AS_OPTION,
) -> None:
    """The values of the members you read as a spreadsheet; CSV or XLSX by the file's ending."""
    from napreview.services import exports

    form = output.suffix.lstrip(".").lower()
    if form not in exports.FORMATS:
        raise fail(EXIT_USAGE, "--output: give a .csv or .xlsx file.")
    table = exports.indicator_values(store(), acting(as_), member)
    data, _, _ = exports.encoded(table, form)
    output.write_bytes(data)
    say(f"{len(table.rows)} values written to {output}.")


def register(app: typer.Typer) -> None:
    app.add_typer(indicators_app, name="indicators")
