"""Reminders of one's own (issue #21): a person who asked for one N days before each deadline
gets one email per deadline once it is that close, in their language and time zone, written to
the outbox (and sent by SMTP where configured); never twice; nobody else gets one."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

from napreview.schemas.review import Stage
from napreview.services import preferences, reminders

from ..conftest import running_worker
from ..helpers import at_stage, fp, start_cycle

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN"]


async def test_a_reminder_of_one_s_own_goes_once_when_a_deadline_is_that_close(
    dev_env, store, tmp_path
):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        state = await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        for member in MEMBERS:  # the read model knows each deadline
            await at_stage(client, cycle, member, Stage.SELF_ASSESSMENT)
    assert state.deadline is not None
    due = state.deadline.due
    preferences.set_reminder_days(store, fp("DEU"), 61)  # the self-assessment is due in 60 days
    preferences.set_time_zone(store, fp("DEU"), "Europe/Berlin")
    preferences.set_reminder_days(store, fp("NAM"), 3)  # not yet: 60 days away
    store.accounts.set_language(fp("MEX"), "es")
    preferences.set_reminder_days(store, fp("MEX"), 61)

    sent = await reminders.send_due(store, settings, now=due - timedelta(days=60))
    assert {r.email for r in sent} == {fp("DEU"), fp("MEX")}
    mine = [r for r in sent if r.email == fp("DEU") and r.task.cycle == cycle]
    assert len(mine) == 1 and mine[0].not_sent is None
    files = sorted(settings.outbox_dir.glob("*-account-fp.deu_example.org.eml"))
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == fp("DEU")
    assert message["Subject"].startswith("Reminder: Complete the self-assessment of Germany")
    assert "(Europe/Berlin)" in message["Subject"]
    text = message.get_content()
    assert f"/reviews/{cycle}/DEU/self-assessment" in text and "61 days before" in text
    spanish = next(r for r in sent if r.email == fp("MEX"))
    assert spanish.subject.startswith("Recordatorio: ")

    again = await reminders.send_due(store, settings, now=due - timedelta(days=30))
    assert again == []  # each deadline's reminder goes once
    assert len(sorted(settings.outbox_dir.glob("*-account-fp.deu_example.org.eml"))) == 1
    closer = await reminders.send_due(store, settings, now=due - timedelta(days=2))
    assert [r.email for r in closer] == [fp("NAM")]
    assert await reminders.send_due(store, settings, now=due + timedelta(hours=1)) == []
