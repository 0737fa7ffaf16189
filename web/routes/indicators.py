"""Indicators in the portal (issue #22): a member's values, with the form its focal points and
the secretariat record them in and a trend per indicator; the secretariat's and auditors' view
of one indicator across members; the values as a spreadsheet. The same services as
`napreview indicators`; another member's page is 404, an auditor's change 403."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from napreview.schemas.indicators import (
    Indicator,
    IndicatorValue,
    Reading,
    ValueKind,
    global_catalogue,
)
from napreview.schemas.members import Actor, Role
from napreview.services import access, exports, indicators
from napreview.services.errors import InvalidInput, NotFoundError, StepRefused
from napreview.services.trends import Trend, by_member, trend
from napreview.web.downloads import download
from napreview.web.routes.reviews import member_code
from napreview.web.web import (
    ChangeFormDep,
    PageNotFound,
    PersonDep,
    Visitor,
    portal_of,
    render,
    see_other,
)

router = APIRouter()

FIELDS = ("indicator", "period", "kind", "women", "men", "total", "text", "source")


@router.get("/indicators")
def overview(request: Request, v: PersonDep, indicator: str = "SG-09") -> Response:
    """A focal point goes to its own member's page; the secretariat and auditors see one
    indicator across the members that recorded it."""
    assert v.actor is not None
    if not access.reads_everything(v.actor):
        if v.actor.member is None:
            raise PageNotFound()
        return see_other(f"/indicators/{v.actor.member}")
    store = portal_of(request).store
    try:
        view = indicators.show(store, v.actor, indicator)
    except NotFoundError:
        raise PageNotFound() from None
    measured: dict[str, dict[str, float]] = defaultdict(dict)
    for value in view.values:
        if value.kind is ValueKind.MEASURED and value.reading.total is not None:
            measured[value.member][value.period] = value.reading.total
    chart = by_member(measured)
    context = {
        "chosen": view.indicator,
        "catalogue": indicators.catalogue(store, v.actor),
        "values": view.values,
        "chart": chart,
    }
    return render(request, "indicators_overview.html", context)


@router.get("/indicators/{member}")
def member_page(
    request: Request, member: str, v: PersonDep, done: str = "", indicator: str = ""
) -> Response:
    """``indicator``: the one the form offers first (the last one recorded)."""
    return _page(request, v, member, done=done, typed={"indicator": indicator})


@router.post("/indicators/{member}")
def record(request: Request, member: str, v: PersonDep, form: ChangeFormDep) -> Response:
    assert v.actor is not None
    code = member_code(request, member)
    typed = {name: str(form.get(name) or "").strip() for name in FIELDS}
    store = portal_of(request).store
    try:
        value = indicators.new_value(
            indicator=typed["indicator"],
            member=code,
            period=typed["period"],
            kind=typed["kind"] or ValueKind.MEASURED.value,
            reading=_reading(typed),
            source=typed["source"],
        )
        indicators.record(store, v.actor, value)
    except (StepRefused, access.ReadRefused):
        raise PageNotFound() from None
    except (InvalidInput, NotFoundError) as problem:
        return _page(request, v, code, typed=typed, problem=str(problem), status=422)
    return see_other(f"/indicators/{code}?done=recorded&indicator={value.indicator}#values")


@router.get("/indicators/{member}/values.{format}")
def export(request: Request, member: str, format: str, v: PersonDep) -> Response:
    assert v.actor is not None
    if format not in exports.FORMATS:
        raise PageNotFound()
    code = member_code(request, member)
    try:
        table = exports.indicator_values(portal_of(request).store, v.actor, code)
    except access.ReadRefused:
        raise PageNotFound() from None
    data, name, media = exports.encoded(table, format)
    return download(data, name, media)


def _reading(typed: dict[str, str]) -> Reading:
    numbers: dict[str, float | None] = {}
    for name in ("women", "men", "total"):
        text = typed[name].replace(",", "").replace("\u00a0", "").replace(" ", "")
        try:
            numbers[name] = float(text) if text else None
        except ValueError:
            raise InvalidInput(f"{name}: {typed[name]!r} is not a number") from None
    return Reading(**numbers, text=typed["text"] or None)


def _page(
    request: Request,
    v: Visitor,
    member: str,
    *,
    done: str = "",
    typed: dict[str, str] | None = None,
    problem: str = "",
    status: int = 200,
) -> Response:
    assert v.actor is not None
    code = member_code(request, member)
    store = portal_of(request).store
    try:
        catalogue = indicators.catalogue(store, v.actor, code)
        values = indicators.values(store, v.actor, code)
    except access.ReadRefused:
        raise PageNotFound() from None
    context: dict[str, Any] = {
        "code": code,
        "catalogue": catalogue,
        "titles": {i.id: i.title[v.language] for i in catalogue},
        "values": values,
        "trends": _trends(catalogue, values),
        "may_record": _may_record(v.actor, code),
        "typed": typed or {},
        "problem": problem,
        "done": done,
        "kinds": [ValueKind.MEASURED, ValueKind.BASELINE, ValueKind.TARGET],
        "unchecked": any(not i.checked for i in global_catalogue().indicators),
    }
    return render(request, "indicators.html", context, status=status)


def _may_record(actor: Actor, code: str) -> bool:
    return actor.role is Role.SECRETARIAT or (
        actor.role is Role.FOCAL_POINT and actor.member == code
    )


def _trends(
    catalogue: list[Indicator], values: list[IndicatorValue]
) -> list[tuple[Indicator, Trend]]:
    """A chart per indicator with measured values: women, men and total over the periods."""
    by_indicator: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for value in values:
        if value.kind is not ValueKind.MEASURED:
            continue
        for key in ("women", "men", "total"):
            number = getattr(value.reading, key)
            if number is not None:
                by_indicator[value.indicator][key][value.period] = number
    found = []
    for i in catalogue:
        if i.id in by_indicator:
            series = by_indicator[i.id]
            chart = trend([(key, key, series[key]) for key in ("women", "men", "total")])
            if chart is not None:
                found.append((i, chart))
    return found
