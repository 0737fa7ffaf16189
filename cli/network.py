"""The Network itself: the Chair, or the two co-Chairs, of each year, which the secretariat
records (DESIGN §7)."""

from __future__ import annotations

import typer
from rich.table import Table

from napreview.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    administrator,
    check_acting,
    console,
    handled,
    print_json,
    store,
)

network_app = typer.Typer(help="The Network: its Chair by year.", no_args_is_help=True)
chair_app = typer.Typer(help="The Chair of the Network by year.", no_args_is_help=True)


@chair_app.command("set")
@handled
def chair_set(
    year: int = typer.Argument(..., min=1900, max=9999),
    member: str | None = typer.Argument(None, help="The member code of the Chair"),
    members: list[str] = typer.Option(
        [], "--member", help="A Chair's member code; twice for the two co-Chairs of a year"
    ),
    as_: str | None = AS_OPTION,
) -> None:
    """Record the Chair, or the two co-Chairs, of a year (secretariat only); the letters of a
    cycle of that year name them."""
    from napreview.services import network

    codes = ([member] if member else []) + members
    chairs = network.record_chair(
        store(), administrator(as_, "record_the_chair_of_the_network"), year, codes
    )
    named = " and ".join(f"{c.name} ({c.code})" for c in chairs)
    role = "the co-Chairs" if len(chairs) > 1 else "the Chair"
    console.print(f"{named} {'are' if len(chairs) > 1 else 'is'} {role} of the Network for {year}.")


@chair_app.command("list")
@handled
def chair_list(as_json: bool = JSON_OPTION, as_: str | None = AS_OPTION) -> None:
    """The Chair, or the co-Chairs, of each recorded year."""
    from napreview.services import members, network

    check_acting(as_)
    chairs = network.chairs(store())
    if as_json:
        print_json(
            [
                {"year": year, "chair": codes[0], "chairs": list(codes)}
                for year, codes in chairs.items()
            ]
        )
        return
    table = Table(title="Chairs of the Network")
    table.add_column("Year")
    table.add_column("Chair")
    names = {m.code: m.name for m in members.every_member(store())}
    for year, codes in chairs.items():
        table.add_row(str(year), ", ".join(f"{code} {names.get(code, '')}" for code in codes))
    console.print(table)


def register(app: typer.Typer) -> None:
    network_app.add_typer(chair_app, name="chair")
    app.add_typer(network_app, name="network")
