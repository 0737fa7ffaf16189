"""`napreview`: the command line of DESIGN §10.2. Each command group lives in its own module."""

from __future__ import annotations

import typer

from cli import (
    audit,
    codec_server,
    cycle,
    identity,
    letters,
    network,
    portal,
    registry,
    review,
    running,
    work,
)

app = typer.Typer(
    name="napreview",
    help="Review cycles of the Women, Peace and Security Focal Points Network.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

registry.register(app)
cycle.register(app)
review.register(app)
letters.register(app)
network.register(app)
audit.register(app)
running.register(app)
identity.register(app, registry.users_app)
codec_server.register(app)
work.register(app)
portal.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
