"""Forms built from the pydantic schemas: each model field becomes one labelled input, a form
post becomes the JSON the command line takes, and every validation error lands beside its field.

The field names are dotted paths into the document (``nap.budget.amount``); the 24
recommendations are addressed by id (``recommendations.P4.status``) rather than by position.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from annotated_types import Ge, Le, MaxLen
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from napreview.schemas.recommendations import RECOMMENDATION_IDS
from napreview.web.numbers import UnclearNumber, read_number, shown

# Text longer than this gets a text area.
LONG_TEXT = 500  # longer than a title or a name: a text area


@dataclass
class Field:
    """One input. ``kind``: text, textarea, number, date, checkbox, select, checkboxes, lines."""

    path: str
    kind: str
    required: bool
    options: list[str] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    max_length: int | None = None
    group: str = ""
    option_group: str = ""

    @property
    def dom_id(self) -> str:
        return "f-" + self.path.replace(".", "-").replace("#", "-")


@dataclass
class Group:
    """A fieldset: a nested model, or one of the 24 recommendations."""

    path: str
    fields: list[Field] = field(default_factory=list)
    recommendation: str | None = None


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``None``, and whether None was allowed."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else annotation), len(args) < len(
            typing.get_args(annotation)
        )
    return annotation, False


def _constraint(info: FieldInfo, kind: type) -> Any:
    for item in info.metadata:
        if isinstance(item, kind):
            return item
    return None


# Which group of the catalogs' words (term(group, code)) labels the options of a field.
OPTION_GROUPS = {
    "pillars": "pillar",
    "gr30_themes": "gr30_theme",
    "civil_society_role": "civil_society",
    "status": "status",
    "participation": "rating",
    "accountability": "rating",
    "alliances": "rating",
}


def _field(path: str, name: str, info: FieldInfo, group: str) -> Field | None:
    annotation, optional = _unwrap(info.annotation)
    required = info.is_required() and not optional
    origin = typing.get_origin(annotation)
    ge, le, max_len = _constraint(info, Ge), _constraint(info, Le), _constraint(info, MaxLen)
    common: dict[str, Any] = {"path": path, "required": required, "group": group}
    if origin is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, Enum):
            return Field(
                kind="checkboxes",
                options=[e.value for e in item],
                option_group=OPTION_GROUPS.get(name, ""),
                **common,
            )
        return Field(kind="lines", **common)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return Field(
            kind="select",
            options=[e.value for e in annotation],
            option_group=OPTION_GROUPS.get(name, ""),
            **common,
        )
    if annotation is bool:
        return Field(kind="checkbox", **{**common, "required": False})
    if annotation in (int, float):
        return Field(
            kind="number",
            minimum=ge.ge if ge else None,
            maximum=le.le if le else None,
            integer=annotation is int,
            **common,
        )
    if annotation is date:
        return Field(kind="date", **common)
    length = max_len.max_length if max_len else None
    kind = "textarea" if length and length > LONG_TEXT else "text"
    return Field(kind=kind, max_length=length, **common)


def groups_for(model: type[BaseModel]) -> list[Group]:
    """The fieldsets of a document's form, in the schema's order."""
    result: list[Group] = []

    def walk(m: type[BaseModel], prefix: str, group: Group) -> None:
        for name, info in m.model_fields.items():
            path = f"{prefix}{name}"
            annotation, _ = _unwrap(info.annotation)
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                child = Group(path=path)
                result.append(child)
                walk(annotation, path + ".", child)
                continue
            if typing.get_origin(annotation) is list:
                (item,) = typing.get_args(annotation)
                if isinstance(item, type) and issubclass(item, BaseModel):
                    _recommendation_groups(item, path, result)
                    continue
            made = _field(path, name, info, group.path)
            if made is not None:
                group.fields.append(made)

    top = Group(path="")
    walk(model, "", top)
    result.append(top)  # loose top-level fields (comments …) after the fieldsets
    return [g for g in result if g.fields]


def _recommendation_groups(item: type[BaseModel], path: str, result: list[Group]) -> None:
    """A list of per-recommendation entries (id, status, evidence): one fieldset per id."""
    for rid in RECOMMENDATION_IDS:
        group = Group(path=f"{path}.{rid}", recommendation=rid)
        for name, info in item.model_fields.items():
            if name == "id":
                continue
            made = _field(f"{path}.{rid}.{name}", name, info, group.path)
            if made is not None:
                group.fields.append(made)
        result.append(group)


def all_fields(groups: list[Group]) -> list[Field]:
    return [f for g in groups for f in g.fields]


# --- from a posted form to the document, and back ---

Raw = dict[str, Any]


def raw_from_form(groups: list[Group], form: Any) -> Raw:
    """What the person typed, as typed (kept for a draft or to show again)."""
    raw: Raw = {}
    for f in all_fields(groups):
        if f.kind == "checkboxes":
            raw[f.path] = [str(v) for v in form.getlist(f.path)]
        elif f.kind == "checkbox":
            raw[f.path] = f.path in form
        else:
            value = form.get(f.path)
            raw[f.path] = str(value) if value is not None else ""
    return raw


def _set(target: dict[str, Any], path: list[str], value: Any) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


@dataclass
class Reading:
    """A form read as a document: the JSON the command line takes, the numbers as read (to show
    them back before submitting) and the numbers refused (beside their fields)."""

    document: dict[str, Any]
    language: str
    numbers: dict[str, Decimal] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def document_from_raw(groups: list[Group], raw: Raw, language: str) -> Reading:
    """The JSON document (as `napreview submit` reads it), numbers read as ``language`` writes
    them; empty inputs are left out so the schema reports them as missing (a blank number stays
    blank, never 0), and a number refused is left out too, its problem said beside it."""
    reading = Reading(document={}, language=language)
    # every recommendation is an entry, so a status left out is reported beside its own field
    entries: dict[str, dict[str, Any]] = {
        g.recommendation: {"id": g.recommendation} for g in groups if g.recommendation
    }
    for f in all_fields(groups):
        value = raw.get(f.path)
        if f.kind == "checkbox":
            converted: Any = bool(value)
        elif f.kind == "checkboxes":
            converted = list(value or [])
        elif f.kind == "lines":
            converted = [line.strip() for line in str(value or "").splitlines() if line.strip()]
        else:
            text = str(value or "").strip()
            if text == "":
                continue
            converted = text
            if f.kind == "number":
                try:
                    number = read_number(text, language, whole=f.integer)
                except UnclearNumber as unclear:
                    reading.problems.append(_number_problem(f.path, unclear))
                    continue
                reading.numbers[f.path] = number
                converted = int(number) if f.integer else float(number)
        parts = f.path.split(".")
        if groups and any(g.recommendation and f.group == g.path for g in groups):
            rid = parts[-2]
            entry = entries.setdefault(rid, {"id": rid})
            entry[parts[-1]] = converted
            continue
        _set(reading.document, parts, converted)
    if entries:
        list_name = next(g.path for g in groups if g.recommendation).rsplit(".", 1)[0]
        ordered = [entries[r] for r in RECOMMENDATION_IDS if r in entries]
        _set(reading.document, list_name.split("."), ordered)
    return reading


def _number_problem(path: str, unclear: UnclearNumber) -> Problem:
    context = {"typed": unclear.typed, "readings": list(unclear.readings)}
    return Problem(
        path, f"number_{unclear.kind}", unclear.typed, context | {"example": unclear.example}
    )


def raw_from_document(groups: list[Group], document: dict[str, Any], language: str) -> Raw:
    """A submitted (or example) document as form values, to start a revision from it: numbers
    written as ``language`` writes them, so that they read back the same."""
    raw: Raw = {}
    recs = {}
    for g in groups:
        if g.recommendation:
            list_name = g.path.rsplit(".", 1)[0]
            for entry in _get(document, list_name.split(".")) or []:
                recs[entry.get("id")] = entry
            break
    for f in all_fields(groups):
        parts = f.path.split(".")
        if any(g.recommendation and f.group == g.path for g in groups):
            value = recs.get(parts[-2], {}).get(parts[-1])
        else:
            value = _get(document, parts)
        if f.kind == "checkbox":
            raw[f.path] = bool(value)
        elif f.kind == "checkboxes":
            raw[f.path] = [str(v) for v in value or []]
        elif f.kind == "lines":
            raw[f.path] = "\n".join(str(v) for v in value or [])
        elif f.kind == "number" and isinstance(value, int | float):
            raw[f.path] = shown(value, language, grouped=not f.integer)
        else:
            raw[f.path] = "" if value is None else str(value)
    return raw


def _get(document: Any, parts: list[str]) -> Any:
    for part in parts:
        if not isinstance(document, dict):
            return None
        document = document.get(part)
    return document


# --- errors beside their fields ---


@dataclass(frozen=True)
class Problem:
    path: str | None
    type: str
    message: str
    context: dict[str, Any]


def problems(
    groups: list[Group], reading: Reading, err: ValidationError | None = None
) -> list[Problem]:
    """The numbers refused and each validation error, with the form field it belongs to (None:
    the document as a whole); a number refused is not also said to be missing."""
    found = list(reading.problems)
    if err is None:
        return found
    refused = {p.path for p in found}
    document = reading.document
    paths = {f.path for f in all_fields(groups)}
    recs_list = next((g.path.rsplit(".", 1)[0] for g in groups if g.recommendation), None)
    for e in err.errors():
        loc = [str(p) for p in e["loc"]]
        if recs_list and loc[:1] == [recs_list] and len(loc) >= 2 and loc[1].isdigit():
            entries = _get(document, [recs_list]) or []
            index = int(loc[1])
            rid = entries[index].get("id") if index < len(entries) else None
            loc = [recs_list, str(rid), *loc[2:]]
        dotted = ".".join(loc)
        while dotted not in paths and loc and loc[-1].isdigit():  # an item of a list field
            loc = loc[:-1]
            dotted = ".".join(loc)
        path: str | None = dotted
        if dotted not in paths:
            path = (
                next((p for p in paths if p.startswith(dotted + ".") and dotted), None)
                if (e["type"] == "missing")
                else None
            )
        if path in refused:
            continue
        message = str(e["msg"]).removeprefix("Value error, ")
        found.append(Problem(path, e["type"], message, dict(e.get("ctx") or {})))
    return found


def numbers_read(groups: list[Group], reading: Reading, raw: Raw) -> list[tuple[Field, str, str]]:
    """Each number as read and as typed, to show back before the document is submitted."""
    return [
        (f, shown(reading.numbers[f.path], reading.language, grouped=not f.integer), raw[f.path])
        for f in all_fields(groups)
        if f.path in reading.numbers
    ]
