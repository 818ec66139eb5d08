"""A Prefect Automation for people who watch Prefect: every `newsmon.claim.contradiction` event (one per
contradiction alert, flows/alerts.py) sends a notification through a notification block of theirs (Slack,
Microsoft Teams, e-mail, a custom webhook ...), rendered by Prefect from the event's payload.

`newsmon serve --notify-block TYPE/NAME` creates it, or updates the one of that name, before serving."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from .alerts import EVENT
from .errors import UserError

AUTOMATION_NAME = "newsmon-contradictions"
SUBJECT = "newsmon: contradiction on {{ event.resource.name }}"
BODY = """{{ event.payload.explanation }}
severity: {{ event.payload.severity }}

{% for side in ['new', 'previous'] %}{% set c = event.payload[side] %}{{ c.source }}: "{{ c.text }}" ({{ c.claim_date or c.published or 'undated' }})
{{ c.sentence }}
{{ c.outlet or '' }} {{ c.article }}

{% endfor %}"""


def contradiction_automation(block_document_id: UUID):
    """The automation: a reactive trigger on each contradiction event, one SendNotification action."""
    from prefect.automations import Automation, EventTrigger, Posture, SendNotification

    return Automation(
        name=AUTOMATION_NAME,
        description="newsmon: a notification for each contradiction between claims (event newsmon.claim.contradiction)",
        trigger=EventTrigger(
            expect={EVENT}, match={"prefect.resource.id": "newsmon.claim.*"}, posture=Posture.Reactive,
            threshold=1, within=dt.timedelta(0),
        ),
        actions=[SendNotification(block_document_id=block_document_id, subject=SUBJECT, body=BODY)],
    )


def ensure_contradiction_automation(block: str):
    """Create the automation for the notification block `block` ('type-slug/name', as `prefect block ls`
    shows it), or update the automation of that name to it; returns the automation."""
    from prefect.automations import Automation
    from prefect.blocks.abstract import NotificationBlock
    from prefect.blocks.core import Block

    if block.count("/") != 1:
        raise UserError(f"--notify-block {block!r}: give the block as TYPE/NAME, e.g. slack-webhook/newsroom")
    try:
        loaded = Block.load(block)
    except (ValueError, KeyError) as exc:
        raise UserError(f"--notify-block {block}: no such block on the Prefect server ({exc})") from exc
    if not isinstance(loaded, NotificationBlock):
        raise UserError(f"--notify-block {block}: a {type(loaded).__name__} cannot send notifications "
                        "(use a notification block: slack-webhook, ms-teams-webhook, email, custom-webhook ...)")
    wanted = contradiction_automation(loaded._block_document_id)
    try:
        existing = Automation.read(name=AUTOMATION_NAME)
    except ValueError:  # none of that name yet
        return wanted.create()
    existing.description, existing.trigger, existing.actions = wanted.description, wanted.trigger, wanted.actions
    existing.enabled = True
    existing.update()
    return existing
