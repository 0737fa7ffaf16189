"""`napreview up`: the embedded stack starts, serves, stops cleanly, and keeps state on restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from napreview.temporal.dev_server import port_free

NAPREVIEW = str(Path(sys.executable).parent / "napreview")
SECRETARIAT = "secretariat@example.org"


def free_port() -> int:
    for port in range(17300, 17900, 7):
        if port_free(port) and port_free(port + 1000) and port_free(port + 2000):
            return port
    raise RuntimeError("no free port")


def env_for(home: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NAPREVIEW_")}
    env.update(NAPREVIEW_HOME=str(home), NAPREVIEW_TEMPORAL_ADDRESS=f"localhost:{port}")
    # `up` records the stacks it serves in the user's config folder: one of the test's own.
    env.update(XDG_CONFIG_HOME=str(home.parent / "config"))
    return env


def cli(home: Path, port: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NAPREVIEW, *args], env=env_for(home, port), capture_output=True, text=True, timeout=120
    )


def elsewhere(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A command in another terminal: another folder, no NAPREVIEW_ settings at all."""
    folder = home.parent / "elsewhere"
    folder.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NAPREVIEW_")}
    env.update(XDG_CONFIG_HOME=str(home.parent / "config"))
    return subprocess.run(
        [NAPREVIEW, *args], env=env, cwd=folder, capture_output=True, text=True, timeout=120
    )


def start_up(home: Path, port: int, seen: list[str] | None = None) -> subprocess.Popen[str]:
    """`napreview up` with the portal on port+2000; ``seen`` collects what it printed."""
    process = subprocess.Popen(
        [
            NAPREVIEW,
            "up",
            "--port",
            str(port),
            "--home",
            str(home),
            "--headless",
            "--portal-port",
            str(port + 2000),
        ],  # fmt: skip
        env=env_for(home, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if "Ctrl-C stops" in line:
            if seen is not None:
                seen.extend(lines)
            return process
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError("napreview up did not come up:\n" + "".join(lines))


def healthz(portal: str, within: float = 30.0) -> int:
    """The portal's health answer, once it listens (it starts beside the worker)."""
    deadline = time.monotonic() + within
    while True:
        try:
            with urllib.request.urlopen(f"{portal}/healthz", timeout=10) as answer:
                return answer.status
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    return output


def servers_using(home: Path) -> list[str]:
    # "--" first: a pattern that starts with "--" is otherwise taken for an option (and pgrep
    # would find nothing, whatever runs).
    found = subprocess.run(
        ["pgrep", "-f", "--", f"--db-filename {home}"], capture_output=True, text=True
    )
    return found.stdout.split()


@pytest.mark.slow
def test_up_serves_stops_cleanly_and_restart_keeps_state(tmp_path: Path) -> None:
    home, port = tmp_path / "home", free_port()
    printed: list[str] = []
    process = start_up(home, port, printed)
    try:
        members = json.loads(cli(home, port, "members", "list", "--json").stdout)
        assert len(members) == 83
        portal = f"http://localhost:{port + 2000}"
        assert portal in "".join(printed) and "napreview-example" in "".join(printed)
        assert healthz(portal) == 200
        started = cli(
            home,
            port,
            "cycle",
            "start",
            "2019",
            "--members",
            "DEU,FRA,MEX,NAM",
            "--as",
            "secretariat@example.org",
        )
        assert started.returncode == 0, started.stderr
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            shown = cli(home, port, "review", "show", "2019", "DEU", "--json", "--as", SECRETARIAT)
            if shown.returncode == 0 and json.loads(shown.stdout)["letters"]:
                break
            time.sleep(0.5)
        assert json.loads(shown.stdout)["stage"] == "self_assessment"
    finally:
        stop(process)
    assert process.returncode == 0
    assert servers_using(home) == [], "the Temporal server outlived napreview up"

    process = start_up(home, port)
    try:
        shown = cli(home, port, "review", "show", "2019", "DEU", "--json", "--as", SECRETARIAT)
        assert shown.returncode == 0, shown.stderr
        state = json.loads(shown.stdout)
        assert state["stage"] == "self_assessment" and len(state["reviewers"]) == 3
        again = cli(home, port, "cycle", "start", "2019", "--as", "secretariat@example.org")
        assert again.returncode == 3 and "already been started" in again.stderr
    finally:
        stop(process)
    assert servers_using(home) == []


@pytest.mark.slow
def test_up_gives_the_example_password_once_and_a_closed_door_stays_closed(
    tmp_path: Path,
) -> None:
    """An installation the command line created gets the example password on its first `up`;
    once the secretariat closes the trial door, a restarted `up` gives it to nobody and --as
    acts for nobody (issue #20 item 3)."""
    from napreview.people.accounts import Accounts
    from napreview.store.records import Store

    home, port = tmp_path / "home", free_port()
    assert cli(home, port, "members", "list").returncode == 0  # created without `up`
    printed: list[str] = []
    process = start_up(home, port, printed)
    try:
        assert "password 'napreview-example'" in "".join(printed)
        closed = cli(home, port, "users", "clear-example-passwords", "--as", SECRETARIAT)
        assert closed.returncode == 0, closed.stderr
        assert "removed from 85 account(s)" in closed.stdout
    finally:
        stop(process)

    printed = []
    process = start_up(home, port, printed)
    try:
        text = "".join(printed)
        assert "napreview-example" not in text and "--as" not in text
        assert "trial door of this installation is closed" in text
        refused = cli(home, port, "members", "list", "--as", SECRETARIAT)
        assert refused.returncode == 3 and "trial door" in refused.stderr
        store = Store.from_url(f"sqlite:///{home / 'napreview.db'}")
        assert Accounts(store).example_passwords_left() == []
        assert Accounts(store).sign_in(SECRETARIAT, "napreview-example").reason == "no_password"
        store.engine.dispose()
    finally:
        stop(process)
    assert process.returncode == 0


@pytest.mark.slow
def test_another_terminal_finds_the_stack_up_serves(tmp_path: Path) -> None:
    """Issue #8 item 9: `up` records where it serves and prints the exports that differ from
    the defaults; a command in another folder, with no settings, uses that stack (no empty
    installation where it runs); once `up` stops, the record is gone."""
    home, port = tmp_path / "home", free_port()
    printed: list[str] = []
    process = start_up(home, port, printed)
    try:
        said = "".join(printed)
        assert f"export NAPREVIEW_TEMPORAL_ADDRESS=localhost:{port}" in said
        assert f"export NAPREVIEW_HOME={home.resolve()}" in said
        started = elsewhere(home, "cycle", "start", "2019", "--members", "DEU,FRA,MEX,NAM", "--as",
                            SECRETARIAT)  # fmt: skip
        assert started.returncode == 0, started.stderr
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            shown = elsewhere(home, "review", "show", "2019", "DEU", "--json", "--as", SECRETARIAT)
            if shown.returncode == 0 and json.loads(shown.stdout)["letters"]:
                break
            time.sleep(0.5)
        assert json.loads(shown.stdout)["stage"] == "self_assessment", shown.stderr
        assert not (tmp_path / "elsewhere" / ".napreview").exists()
    finally:
        stop(process)
    records = json.loads((tmp_path / "config" / "napreview" / "stacks.json").read_text())
    assert records["stacks"] == []
    # (A command that then finds no Temporal service: tests/test_newcomer.py; the port may be
    # taken by another test's server at once on a shared machine.)


def test_up_refuses_a_busy_port_in_one_sentence(tmp_path: Path) -> None:
    import socket

    port = free_port()
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        result = cli(
            tmp_path, port, "up", "--port", str(port), "--home", str(tmp_path), "--headless"
        )
    assert result.returncode == 2
    assert f"Port {port} is already in use" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_up_refuses_an_unwritable_home(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    result = cli(tmp_path, free_port(), "up", "--home", str(blocked / "home"), "--headless")
    assert result.returncode == 2
    assert "cannot be written to" in result.stderr
    assert "Traceback" not in result.stderr


def children_serving(port: int) -> list[str]:
    """The worker and portal processes `up` started for the stack on this Temporal port."""
    found = subprocess.run(
        ["pgrep", "-f", "--", f"napreview.cli.supervisor (worker|portal) {port + 2000}$"],
        capture_output=True,
        text=True,
    )
    return found.stdout.split()


@pytest.mark.slow
def test_up_killed_outright_leaves_no_server_behind(tmp_path: Path) -> None:
    home, port = tmp_path / "home", free_port()
    process = start_up(home, port)
    try:
        assert servers_using(home), "the embedded server should be running"
        # `up` starts its worker and portal processes once it has said how to reach them.
        assert healthz(f"http://localhost:{port + 2000}") == 200
        assert len(children_serving(port)) == 3, "a worker and two portal processes"
    except AssertionError:
        stop(process)
        raise
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 15
    while (servers_using(home) or children_serving(port)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert servers_using(home) == []
    assert children_serving(port) == [], "the worker or the portal outlived up"
    # and the next `up` starts on the same port and data
    again = start_up(home, port)
    try:
        assert len(json.loads(cli(home, port, "members", "list", "--json").stdout)) == 83
    finally:
        stop(again)


@pytest.mark.slow
def test_up_started_again_at_once_after_being_killed(tmp_path: Path) -> None:
    """Someone kills `up` and starts it again straight away: the killed stack's server and
    children are still shutting down and holding their ports; the new `up` waits for them
    (or ends them) instead of refusing a port its own data folder's old stack held."""
    home, port = tmp_path / "home", free_port()
    process = start_up(home, port)
    try:
        assert healthz(f"http://localhost:{port + 2000}") == 200
        old_children = children_serving(port)
        assert len(old_children) == 3
    except AssertionError:
        stop(process)
        raise
    # The old children are slow to let go: frozen, they act on the parent-death signal only
    # when someone wakes or kills them, and keep the portal's port meanwhile.
    for pid in old_children:
        os.kill(int(pid), signal.SIGSTOP)
    process.send_signal(signal.SIGKILL)
    process.wait()
    again = start_up(home, port)  # at once: no waiting for ports here
    try:
        assert healthz(f"http://localhost:{port + 2000}") == 200
        serving = children_serving(port)
        assert len(serving) == 3 and not set(serving) & set(old_children), "only the new stack's"
    finally:
        stop(again)


@pytest.mark.slow
def test_a_portal_process_that_dies_stops_up_and_says_so(tmp_path: Path) -> None:
    """The worker and the portal run in processes of their own under `up`: one ending by itself
    stops the others and the server, and `up` names it, instead of serving half a stack."""
    home, port = tmp_path / "home", free_port()
    process = start_up(home, port)
    try:
        assert healthz(f"http://localhost:{port + 2000}") == 200
    except Exception:
        stop(process)
        raise
    portal = subprocess.run(
        ["pgrep", "-f", "--", f"napreview.cli.supervisor portal {port + 2000}$"],
        capture_output=True,
        text=True,
    ).stdout.split()[0]
    os.kill(int(portal), signal.SIGKILL)
    output, _ = process.communicate(timeout=90)
    assert process.returncode == 1
    said = " ".join(output.split())
    assert "The portal" in said and "stopped by itself (exit -9)" in said
    assert servers_using(home) == [] and children_serving(port) == []


def test_the_home_folder_and_its_records_are_for_their_owner_only(tmp_path: Path) -> None:
    home, port = tmp_path / "home", free_port()
    process = start_up(home, port)
    stop(process)
    assert (home.stat().st_mode & 0o777) == 0o700
    for name in ("napreview.db", "temporal.db", "keys"):
        assert (home / name).exists(), name
        assert (home / name).stat().st_mode & 0o077 == 0, name
