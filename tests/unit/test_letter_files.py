"""Letter files: a temporary file left by a writer that died is removed by the next write."""

from __future__ import annotations

import os
import time

from napreview.letters.files import STALE_TEMPORARY_SECONDS, ensure_file, sha256_text


def test_a_dead_writers_temporary_file_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "letters" / "invitation-round1-DEU-abc.txt"
    target.parent.mkdir()
    dead = target.parent / f".{target.name}.k2j3h4.tmp"  # a worker killed mid-write left it
    dead.write_text("half a let")
    old = time.time() - STALE_TEMPORARY_SECONDS - 5
    os.utime(dead, (old, old))
    writing = target.parent / f".{target.name}.x9y8z7.tmp"  # another writer, at work right now
    writing.write_text("the same letter")
    other = target.parent / ".invitation-round1-FRA-def.txt.q1w2e3.tmp"
    other.write_text("another letter's")
    os.utime(other, (old, old))

    assert ensure_file(target, "Dear Ms Schmidt,", sha256_text("Dear Ms Schmidt,"))
    assert target.read_text() == "Dear Ms Schmidt,"
    assert not dead.exists()
    assert writing.exists() and other.exists()  # only this file's, and only a dead writer's
