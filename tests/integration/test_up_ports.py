"""Every port `napreview up` needs is checked before anything starts (issue #21): Temporal's
frontend, its Web UI at port+1000 and the portal, each named with the option that moves it;
`make run PORT=… PORTAL_PORT=…` (or the same variables in the environment) passes them on."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from napreview.cli.ports import port_problem, stack_ports

from .test_up import NAPREVIEW, env_for, free_port

REPOSITORY = Path(__file__).parent.parent.parent


def test_the_portal_on_the_web_ui_port_is_named_before_anything_starts():
    said = port_problem(stack_ports(7400, 8400, headless=False), lambda port: True)
    assert said is not None
    assert "Port 8400" in said and "Web UI" in said and "--portal-port" in said
    # headless: there is no Web UI to collide with
    assert port_problem(stack_ports(7400, 8400, headless=True), lambda port: True) is None


def test_a_port_in_use_is_named_with_what_needs_it():
    said = port_problem(stack_ports(7400, 8000, headless=False), lambda port: port != 8400)
    assert said is not None and "Port 8400" in said and "Temporal's Web UI" in said


@pytest.mark.parametrize("how", ["make variables", "environment"])
def test_make_run_passes_the_ports_and_up_refuses_a_collision_at_once(tmp_path, how):
    port = free_port()
    home = tmp_path / "home"
    env = env_for(home, port)
    ports = [f"PORT={port}", f"PORTAL_PORT={port + 1000}"]
    if how == "environment":
        env.update(dict(p.split("=") for p in ports))
        ports = []
    done = subprocess.run(
        ["make", "--no-print-directory", "run", *ports],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert f"Port {port + 1000} would serve both Temporal's Web UI" in said
    assert not (home / "temporal.db").exists()  # nothing started


def test_up_names_a_port_already_taken_and_starts_nothing(tmp_path):
    port = free_port()
    home = tmp_path / "home"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port + 1000))
        taken.listen()
        done = subprocess.run(
            [NAPREVIEW, "up", "--port", str(port)],
            env={**env_for(home, port), "COLUMNS": "200"},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2
    said = done.stdout + done.stderr
    assert f"Port {port + 1000} is already in use (needed for Temporal's Web UI" in said
    assert not (home / "temporal.db").exists()
