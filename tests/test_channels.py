"""Alert channels end to end: real backfill runs, a real DuckDB file, and real receivers on 127.0.0.1 —
HTTP for Apprise's json:// and form:// and for the signed webhook, SMTP (aiosmtpd) for mailto://."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, query

from flows.backfill import backfill
from flows.channels import ChannelError, channel_label, configured_channels, notify_section
from flows.delivery import deliver_due
from flows.settings import SettingsError, load_settings
from storage.deliveries import parse_period

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_server")]
ARTICLES = FIXTURES / "claims"
NEWSMON = str(Path(sys.executable).parent / "newsmon")
ONE_CONTRADICTION = ("a01-nordkurier-de.txt", "a03-bergpost-de.txt")


@pytest.fixture
def no_channels(monkeypatch, tmp_path):
    """No channel but the ones a test sets (and no ./feeds.toml of the checkout's)."""
    for name in ("NEWSMON_WEBHOOKS", "NEWSMON_NOTIFY", "NEWSMON_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSMON_FEEDS", str(tmp_path / "no-feeds.toml"))
    monkeypatch.setenv("NEWSMON_DELIVERY_BACKOFF", "0")  # a failed delivery is due again at once


def folder_with(tmp_path, names, folder="in") -> Path:
    target = tmp_path / folder
    target.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(ARTICLES / name, target / name)
    return target


def assert_readable(title: str, text: str, alert: dict) -> None:
    """The title is the alert's explanation; the text names every claim: figure, sentence, who, date, link."""
    assert title == alert["explanation"]
    assert 'ukraine: "mindestens 11.000 Soldaten" (2024-11-02)' in text
    assert "Laut ukrainischen Angaben hat Nordkorea mindestens 11.000 Soldaten nach Russland geschickt." in text
    assert 'russia: "höchstens 1.500 nordkoreanische Soldaten" (2024-11-06)' in text
    assert "published 2024-11-06" in text
    assert text.count("a01-nordkurier-de.txt") == 1 and text.count("a03-bergpost-de.txt") == 1


def test_apprise_json_gets_a_readable_message_and_a_failure_is_retried_next_run(tmp_path, receiver, no_channels, monkeypatch):
    monkeypatch.setenv("NEWSMON_NOTIFY", receiver.url.replace("http://", "json://"))
    db = str(tmp_path / "json.duckdb")
    receiver.mode = "fail"
    (alert,) = backfill([str(folder_with(tmp_path, ONE_CONTRADICTION))], db=db).alerts
    assert len(receiver.requests) == 1
    assert query(db, "SELECT status, attempts, last_error FROM deliveries") == [
        ("pending", 1, "Apprise could not deliver (its warning in the log says why)")]
    receiver.mode = "ok"  # it recovers: the next run sends the delivery again
    assert backfill([str(tmp_path / "in")], db=db).alerts == []
    assert query(db, "SELECT status, attempts FROM deliveries") == [("delivered", 2)]
    (key_1, _), (key_2, sent) = receiver.received
    assert key_1 and key_1 == key_2 == query(db, "SELECT idempotency_key FROM deliveries")[0][0]
    assert_readable(sent["title"], sent["message"], alert)
    backfill([str(tmp_path / "in")], db=db)
    assert len(receiver.requests) == 2  # delivered is delivered


def test_apprise_form_from_the_notify_section_of_the_feeds_file(tmp_path, receiver, no_channels, monkeypatch):
    feeds = tmp_path / "feeds.toml"
    form_url = receiver.url.replace("http://", "form://")
    feeds.write_text(f'# channels for alerts\n[notify]\nurls = ["{form_url}"]\n', "utf-8")
    monkeypatch.setenv("NEWSMON_FEEDS", str(feeds))
    assert configured_channels() == (f"apprise:{form_url}",)
    db = str(tmp_path / "form.duckdb")
    (alert,) = backfill([str(folder_with(tmp_path, ONE_CONTRADICTION))], db=db).alerts
    (request,) = receiver.requests
    assert request.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    (_, fields), = receiver.received
    assert_readable(fields["title"], fields["message"], alert)
    assert query(db, "SELECT channel, status FROM deliveries") == [(f"apprise:{form_url}", "delivered")]


class Mailbox:
    """aiosmtpd's handler: keeps every message it is handed."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_mailto_through_an_smtp_server_on_loopback(tmp_path, no_channels, monkeypatch):
    from aiosmtpd.controller import Controller

    mailbox, port = Mailbox(), free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        # mode=insecure: plain SMTP, no STARTTLS (Apprise's default); no user, so no login
        monkeypatch.setenv("NEWSMON_NOTIFY", f"mailto://127.0.0.1:{port}?from=newsmon@example.org&to=desk@example.org&mode=insecure")
        db = str(tmp_path / "mail.duckdb")
        (alert,) = backfill([str(folder_with(tmp_path, ONE_CONTRADICTION))], db=db).alerts
    finally:
        smtp.stop()
    (sender, recipients, raw), = mailbox.messages
    assert sender == "newsmon@example.org" and recipients == ["desk@example.org"]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert_readable(str(message["subject"]), text.strip(), alert)
    assert query(db, "SELECT status FROM deliveries") == [("delivered",)]


def test_a_signed_webhook_body_verifies_with_the_secret(tmp_path, receiver, no_channels, monkeypatch):
    monkeypatch.setenv("NEWSMON_WEBHOOKS", receiver.url)
    monkeypatch.setenv("NEWSMON_WEBHOOK_SECRET", "a shared secret")
    (alert,) = backfill([str(folder_with(tmp_path, ONE_CONTRADICTION))], db=str(tmp_path / "signed.duckdb")).alerts
    (request,) = receiver.requests
    scheme, _, sent = request.headers["X-Newsmon-Signature"].partition("=")
    expected = hmac.new(b"a shared secret", request.body, hashlib.sha256).hexdigest()
    assert scheme == "sha256" and hmac.compare_digest(sent, expected)  # over the exact bytes received
    assert hmac.new(b"another secret", request.body, hashlib.sha256).hexdigest() != sent
    assert json.loads(request.body)["id"] == alert["id"]


def test_without_a_secret_a_webhook_is_not_signed(tmp_path, receiver, no_channels, monkeypatch):
    monkeypatch.setenv("NEWSMON_WEBHOOKS", receiver.url)
    backfill([str(folder_with(tmp_path, ONE_CONTRADICTION))], db=str(tmp_path / "plain.duckdb"))
    (request,) = receiver.requests
    assert "X-Newsmon-Signature" not in request.headers and request.headers["Idempotency-Key"]


def test_a_digest_sends_one_message_per_channel_and_period_and_never_again(tmp_path, receiver, no_channels, monkeypatch):
    json_url = receiver.url.replace("http://", "json://") + "-apprise"
    monkeypatch.setenv("NEWSMON_WEBHOOKS", receiver.url)
    monkeypatch.setenv("NEWSMON_NOTIFY", json_url)
    db = str(tmp_path / "digest.duckdb")
    first = backfill([str(folder_with(tmp_path, ONE_CONTRADICTION))], db=db, digest="daily").alerts
    # a second run in the same day: two more files, more alerts of their own
    second = backfill([str(folder_with(tmp_path, ("a05-tagesblick-de.txt", "a07-rheinblatt-de.txt")))],
                      db=db, digest="daily").alerts
    alerts = first + second
    assert len(first) == 1 and len(second) >= 1
    assert receiver.requests == []  # nothing before the day is over
    waiting = subprocess.run([NEWSMON, "alerts", "--undelivered", "--db", db], capture_output=True, text=True)
    assert f"-> webhook:{receiver.url} (daily digest 20" in waiting.stdout and ": pending, 0 attempts" in waiting.stdout
    labels = {label for (label,) in query(db, "SELECT DISTINCT digest FROM deliveries")}
    assert all(label.startswith("daily:") for label in labels)
    after = max(parse_period(label).end for label in labels) + dt.timedelta(seconds=1)
    attempts = deliver_due(db, now=after)
    assert len(attempts) == 2 * len(alerts) and all(a.ok for a in attempts)
    # one message per channel and day (a run just before midnight and one after make two days)
    assert len(receiver.requests) == 2 * len(labels)
    documents = [body for _, body in receiver.received if "digest" in body]
    assert {a["id"] for d in documents for a in d["alerts"]} == {a["id"] for a in alerts}
    texts = [body for _, body in receiver.received if "title" in body]
    assert all("newsmon daily digest" in t["title"] for t in texts)
    assert sum(t["message"].count(". contradiction:") for t in texts) == len({a["dispute"] for a in alerts})
    keys = {key for key, _ in receiver.received}
    assert len(keys) == 2 * len(labels)  # one key per (channel, period)
    assert deliver_due(db, now=after + dt.timedelta(days=2)) == []  # a period is sent once
    backfill([str(tmp_path / "in")], db=db, digest="daily")
    assert deliver_due(db, now=after + dt.timedelta(days=2)) == [] and len(receiver.requests) == 2 * len(labels)


def test_secrets_stay_out_of_logs_and_the_undelivered_list(tmp_path, receiver, no_channels):
    from prefect.settings import PREFECT_API_URL

    secret_url = "json://newsmon:hunter2@127.0.0.1:9/nothing-listens-here"
    db = str(tmp_path / "secret.duckdb")
    env = {**os.environ, "NEWSMON_NOTIFY": secret_url, "PREFECT_API_URL": PREFECT_API_URL.value()}
    run = subprocess.run([NEWSMON, "backfill", str(folder_with(tmp_path, ONE_CONTRADICTION)), "--db", db, "-v"],
                         env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "to apprise:json://newsmon:****@127.0.0.1:9/nothing-listens-here failed" in run.stderr
    for args in ([], ["--json"]):
        shown = subprocess.run([NEWSMON, "alerts", "--undelivered", "--db", db, *args], env=env, capture_output=True,
                               text=True)
        assert shown.returncode == 0 and "json://newsmon:****@127.0.0.1:9" in shown.stdout
        assert "hunter2" not in shown.stdout + shown.stderr
    assert "hunter2" not in run.stdout + run.stderr
    assert query(db, "SELECT channel FROM deliveries") == [(f"apprise:{secret_url}",)]  # the sender needs it


def test_channel_labels_mask_passwords_tokens_and_query_values():
    assert channel_label("webhook:https://user:pw@hooks.example.org/x?token=abc") == \
        "webhook:https://user:****@hooks.example.org/x?token=****"
    assert channel_label("webhook:http://127.0.0.1:9/hook") == "webhook:http://127.0.0.1:9/hook"
    telegram = channel_label("apprise:tgram://123456789:AAHsecretsecret/4242")
    assert "AAHsecretsecret" not in telegram and telegram.startswith("apprise:tgram://")
    assert channel_label("apprise:mailto://me:pw@example.org") == "apprise:mailto://me:****@example.org/"


def test_a_bad_apprise_url_is_a_clear_error(tmp_path, monkeypatch):
    with pytest.raises(SettingsError, match=r"NEWSMON_NOTIFY: 'nosuch://x' is not an Apprise URL"):
        load_settings({"NEWSMON_NOTIFY": "json://127.0.0.1/ok nosuch://x"})
    feeds = tmp_path / "feeds.toml"
    feeds.write_text('[notify]\nurls = ["nosuch://user:pw@x"]\n', "utf-8")
    with pytest.raises(ChannelError, match=r"feeds.toml, \[notify\]: 'nosuch://user:\*\*\*\*@x' is not an Apprise URL"):
        notify_section(feeds)
    feeds.write_text('[notify]\nurl = "json://x"\n', "utf-8")
    with pytest.raises(ChannelError, match="the only key is `urls`"):
        notify_section(feeds)
    monkeypatch.setenv("NEWSMON_NOTIFY", "nosuch://x")
    out = subprocess.run([NEWSMON, "alerts", "--db", str(tmp_path / "x.duckdb")], capture_output=True, text=True)
    assert out.returncode == 2 and "NEWSMON_NOTIFY: 'nosuch://x' is not an Apprise URL" in out.stderr


def test_feeds_add_keeps_the_notify_table_and_poll_reads_it(tmp_path, no_channels):
    from flows.feedfile import add_feeds
    from flows.feedlist import Feed, load_feeds

    feeds = tmp_path / "feeds.toml"
    feeds.write_text('[notify]\nurls = ["ntfy://ntfy.example.org/alerts"]  # the newsroom topic\n', "utf-8")
    add_feeds(feeds, [Feed(url="https://example.org/rss.xml", name="Example")])
    assert [f.url for f in load_feeds(feeds)] == ["https://example.org/rss.xml"]
    assert "# the newsroom topic" in feeds.read_text("utf-8")
    assert configured_channels(str(feeds)) == ("apprise:ntfy://ntfy.example.org/alerts",)
