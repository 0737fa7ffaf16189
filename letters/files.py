"""Letter files on disk, written so that a crash, a full disk or a read-only disk never leaves
a file empty or half written: a temporary file in the same folder, fsync, rename, fsync of the
folder; mode 0600 (letters name people). A file already right is left alone."""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from napreview.store.letters import Letter

FILE_MODE = 0o600
# A temporary file is renamed within moments of its creation; one this old was left by a writer
# that died (a worker killed mid-write), and would otherwise stay for ever beside the letters.
STALE_TEMPORARY_SECONDS = 10.0


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_is(path: Path, digest: str) -> bool:
    """Whether the file exists and holds exactly the text with this SHA-256."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == digest
    except (FileNotFoundError, IsADirectoryError):
        return False


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step; raises OSError (retried by Temporal) when the
    disk is full or read-only, and leaves the previous file, if any, untouched. Temporary files
    of ``path`` that a dead writer left behind are removed."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    remove_stale_temporaries(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def remove_stale_temporaries(path: Path, older_than: float = STALE_TEMPORARY_SECONDS) -> None:
    """Remove ``.<name>.*.tmp`` files of ``path`` not touched for ``older_than`` seconds. A writer
    still at work is never that slow; were it, its rename fails and it is retried."""
    now = time.time()
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if now - stale.stat().st_mtime > older_than:
                stale.unlink()


def ensure_file(path: Path, text: str, digest: str | None = None) -> bool:
    """Make ``path`` hold ``text`` (checked against ``digest``, the stored SHA-256, when given);
    returns True when it had to be (re)written."""
    expected = digest or sha256_text(text)
    if sha256_text(text) != expected:
        raise ValueError(f"{path.name}: the stored text does not match its stored digest")
    if file_is(path, expected):
        if path.stat().st_mode & 0o777 != FILE_MODE:
            path.chmod(FILE_MODE)
        return False
    write_atomically(path, text.encode("utf-8"))
    return True


def safe(text: str) -> str:
    """A name part safe in any file system."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def letter_stem(kind: str, round_: int, recipient_key: str, letter_id: str) -> str:
    return f"{kind}-round{round_}-{safe(recipient_key)}-{letter_id}"


def letter_folder(letters_dir: Path, letter: Letter) -> Path:
    return letters_dir / safe(letter.cycle_id) / safe(letter.member_code)


def recipient_key(letter: Letter) -> str:
    """The recipient part of the letter's idempotency key (review/kind/round/recipient[/…])."""
    parts = letter.idempotency_key.split("/")
    return parts[3] if len(parts) > 3 else letter.member_code


def file_letter(letters_dir: Path, letter: Letter) -> list[Path]:
    """The letter's text and HTML files, one folder per cycle and member, made to match the
    store; returns the files that had to be (re)written."""
    folder = letter_folder(letters_dir, letter)
    stem = letter_stem(letter.kind, letter.round, recipient_key(letter), letter.id)
    written = []
    for suffix, body, digest in (
        (".txt", letter.body_text, letter.sha256),
        (".html", letter.body_html, sha256_text(letter.body_html)),
    ):
        path = folder / f"{stem}{suffix}"
        if ensure_file(path, body, digest):
            written.append(path)
    return written
