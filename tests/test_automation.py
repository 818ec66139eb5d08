"""The Prefect Automation of `newsmon serve --notify-block`: created on the session's test server, it
reacts to the contradiction event of a real backfill run and its notification block POSTs to a receiver
on 127.0.0.1 (the test server runs Prefect's triggers and actions services)."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES
from receiver import Receiver

from flows.automation import AUTOMATION_NAME, ensure_contradiction_automation
from flows.backfill import backfill
from flows.errors import UserError

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
ARTICLES = FIXTURES / "claims"


def test_a_contradiction_event_triggers_the_automation_and_its_notification_arrives(tmp_path):
    from prefect.automations import Automation
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    receiver = Receiver()
    CustomWebhookNotificationBlock(
        name="newsmon", url=receiver.url, json_data={"subject": "{{subject}}", "body": "{{body}}"},
        allow_private_urls=True,
    ).save("newsmon-automation-test", overwrite=True)
    automation = ensure_contradiction_automation("custom-webhook/newsmon-automation-test")
    try:
        again = ensure_contradiction_automation("custom-webhook/newsmon-automation-test")
        assert again.id == automation.id  # updated in place, not a second automation
        stored = Automation.read(name=AUTOMATION_NAME)
        assert stored.trigger.expect == {"newsmon.claim.contradiction"} and stored.trigger.threshold == 1
        folder = tmp_path / "in"
        folder.mkdir()
        for name in ("a01-nordkurier-de.txt", "a03-bergpost-de.txt"):  # one contradiction
            shutil.copy(ARTICLES / name, folder / name)
        summary = backfill([str(folder)], db=str(tmp_path / "automation.duckdb"))
        assert len(summary.alerts) == 1
        assert receiver.arrived.wait(120), "the automation sent no notification"
        (_, sent), = receiver.received
        assert sent["subject"] == "newsmon: contradiction on north_korea/troops/russia/total"
        assert sent["body"].startswith(summary.alerts[0]["explanation"])
        assert '"mindestens 11.000 Soldaten"' in sent["body"] and "a01-nordkurier-de.txt" in sent["body"]
    finally:
        Automation.read(name=AUTOMATION_NAME).delete()
        receiver.close()


def test_a_block_that_cannot_notify_is_refused():
    from prefect.blocks.system import Secret

    Secret(value="x").save("newsmon-not-a-notifier", overwrite=True)
    with pytest.raises(UserError, match="cannot send notifications"):
        ensure_contradiction_automation("secret/newsmon-not-a-notifier")
    with pytest.raises(UserError, match="TYPE/NAME"):
        ensure_contradiction_automation("just-a-name")
