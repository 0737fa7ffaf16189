"""The ports `napreview up` serves on, checked together before anything starts: Temporal's
frontend (--port), its Web UI (--port + 1000, unless --headless) and the portal
(--portal-port). A port two of them would share, or one already in use, is named with the
option that chooses it."""

from __future__ import annotations

from collections.abc import Callable

UI_OFFSET = 1000


def stack_ports(port: int, portal_port: int, headless: bool) -> dict[str, int]:
    """What listens where, each named as the person can change it."""
    ports = {"Temporal (--port)": port}
    if not headless:
        ports[f"Temporal's Web UI (--port + {UI_OFFSET})"] = port + UI_OFFSET
    ports["the portal (--portal-port)"] = portal_port
    return ports


def port_problem(ports: dict[str, int], free: Callable[[int], bool]) -> str | None:
    """Why these ports cannot all be served, in one sentence; None when they can."""
    seen: dict[int, str] = {}
    for name, number in ports.items():
        if not 0 < number < 65536:
            return f"Port {number} for {name} is not a port number (1 to 65535)."
        if number in seen:
            return (
                f"Port {number} would serve both {seen[number]} and {name}; "
                "choose other ports with --port or --portal-port."
            )
        seen[number] = name
    for name, number in ports.items():
        if not free(number):
            return (
                f"Port {number} is already in use (needed for {name}); stop what uses it or "
                "choose another with --port or --portal-port (make run PORT=… PORTAL_PORT=…)."
            )
    return None
