"""A bare review-shaped workflow: the same signals, waits and activity count, and no domain."""

from __future__ import annotations

from temporalio import activity, workflow


@activity.defn(name="bare_step")
def bare_step(label: str) -> str:
    return label


@workflow.defn(name="BareReview")
class BareReview:
    """Self-assessment, three peer reviews, a check and a sign-off, each a signal or activity."""

    def __init__(self) -> None:
        self.received: list[str] = []

    @workflow.run
    async def run(self, activities: int) -> int:
        from datetime import timedelta

        async def step(label: str) -> None:
            await workflow.execute_activity(
                "bare_step", label, start_to_close_timeout=timedelta(seconds=30)
            )

        for i in range(activities // 2):
            await step(f"setup-{i}")
        await workflow.wait_condition(lambda: len(self.received) >= 1)
        await workflow.wait_condition(lambda: len(self.received) >= 4)
        await workflow.wait_condition(lambda: len(self.received) >= 5)
        for i in range(activities - activities // 2):
            await step(f"finish-{i}")
        return len(self.received)

    @workflow.signal
    def step_done(self, name: str) -> None:
        self.received.append(name)

    @workflow.query
    def count(self) -> int:
        return len(self.received)
