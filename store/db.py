"""Engine, sessions and migrations. SQLite by default, PostgreSQL by URL.

Alembic is imported only when a migration must run: a command-line call on a database whose
schema is already current reads one row (`alembic_version`) and moves on.
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def make_engine(url: str) -> Engine:
    """A new engine; most callers want ``engine_for`` (one per URL and process)."""
    if url.startswith("sqlite"):
        # Every worker thread may hold a session at once (16 activity threads and the loop).
        engine = create_engine(url, connect_args={"timeout": 30}, pool_size=8, max_overflow=24)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def engine_for(url: str) -> Engine:
    """The process's one engine (and connection pool) for a URL."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url)
        return engine


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revisions() -> frozenset[str]:
    """The heads of the migration scripts, read from their ``revision`` / ``down_revision``
    assignments without importing Alembic (or the scripts)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for node in ast.parse(_header(script.read_text(encoding="utf-8"))).body:
            target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
            assigned = getattr(node, "value", None)
            if not isinstance(target, ast.Name) or assigned is None:
                continue
            if target.id not in ("revision", "down_revision"):
                continue
            value = ast.literal_eval(assigned)
            found = value if isinstance(value, tuple | list) else (value,)
            names = {v for v in found if isinstance(v, str)}
            (revisions if target.id == "revision" else parents).update(names)
    return frozenset(revisions - parents)


def _header(script: str) -> str:
    """A migration script up to its first function: the statements that name its revisions,
    parsed on every call of the command line, without the body of its steps."""
    first = script.find("\ndef ")
    return script if first < 0 else script[:first]


def schema_is_current(url: str) -> bool:
    """True when the database records exactly the migration heads; False when unsure."""
    try:
        heads = head_revisions()
        with engine_for(url).connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except (SQLAlchemyError, OSError, SyntaxError, ValueError):
        return False
    return bool(heads) and {row[0] for row in rows} == heads


def migrate(url: str) -> None:
    """Bring the database schema up to date (idempotent; a current schema costs one query)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if schema_is_current(url):
        return
    from alembic import command

    command.upgrade(alembic_config(url), "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


class Repository:
    """What every repository shares: the process's session factory, and one transaction per
    call, so no caller ever holds a session (or an ORM row) of the store."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def _held(self, table: str | None = None) -> Iterator[Session]:
        """One transaction that holds what it reads until it commits, for a check and its
        consequence that must not interleave with another's (a lockout's count, a single-use
        link). On PostgreSQL the caller reads its rows ``with_for_update`` (SELECT … FOR
        UPDATE), or, to count rows that parallel requests are adding, names the ``table``
        whose writers take their turn (LOCK TABLE … IN SHARE ROW EXCLUSIVE MODE). SQLite has
        no row locks, so the transaction takes the database's write lock before its first
        read (BEGIN IMMEDIATE) and other writers wait their turn."""
        with self._sessions() as session, session.begin():
            connection = session.connection()
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            elif table is not None:
                connection.exec_driver_sql(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            yield session
