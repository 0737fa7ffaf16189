"""Worker processes a fault test can kill with SIGKILL, on the test's server and store."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from napreview.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcesses:
    """`python worker.py` processes sharing one server, store and task queue.

    Each runs in a process group of its own, killed whole: a worker's PDF process (letters/pdf.py)
    must not outlive it and pile up over a suite that kills workers again and again.
    """

    def __init__(self, client: Client, settings: Settings, log_dir: Path) -> None:
        self.env = {
            **os.environ,
            "NAPREVIEW_HOME": str(settings.home),
            "NAPREVIEW_DATABASE_URL": settings.resolved_database_url,
            "NAPREVIEW_TEMPORAL_ADDRESS": client.service_client.config.target_host,
            "NAPREVIEW_TASK_QUEUE": settings.task_queue,
        }
        self.log_dir = log_dir
        self.running: list[subprocess.Popen[bytes]] = []
        self.started = 0

    def start(self, only: str | None = None) -> subprocess.Popen[bytes]:
        self.started += 1
        log = (self.log_dir / f"worker-{self.started}.log").open("wb")
        args = [sys.executable, str(ROOT / "worker.py")] + (["--only", only] if only else [])
        process = subprocess.Popen(
            args, env=self.env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
        )
        self.running.append(process)
        return process

    async def polling(
        self, client: Client, processes: list[subprocess.Popen[bytes]], timeout: float = 60.0
    ) -> None:
        """Until each of these workers polls for workflow tasks: reviews started before one of
        them does all go to the others, and stay there (sticky), so it would do nothing."""
        wanted = {str(p.pid) for p in processes}
        request = DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueue(name=self.env["NAPREVIEW_TASK_QUEUE"]),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
        deadline = time.monotonic() + timeout
        while True:
            answer = await client.workflow_service.describe_task_queue(request)
            polling = {p.identity.split("@")[0] for p in answer.pollers}
            if wanted <= polling:
                return
            assert time.monotonic() < deadline, f"workers {wanted - polling} never polled"
            await asyncio.sleep(0.2)

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        self.running.remove(process)

    def kill_all(self) -> None:
        for process in list(self.running):
            self.kill(process)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))
