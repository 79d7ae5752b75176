"""Beat drives the sweep and the heartbeat on a real worker, in real time."""

import time
from datetime import datetime, timedelta

import pytest
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from dsar.health import HEARTBEAT_KEY
from dsar.models import DataRequest, Notification
from tests.integration.harness import wait_for
from tests.tasks.test_sweep import _in_progress

pytestmark = pytest.mark.integration


def test_beat_sends_the_reminder_when_it_is_due_and_only_once(services, operator, staff):
    services.env |= {"DSAR_SWEEP_INTERVAL_SECONDS": "1", "DSAR_HEARTBEAT_INTERVAL_SECONDS": "1"}
    request = _in_progress(operator, staff["caseworker"], when=timezone.now())
    services.worker("w1", beat=True)

    moment = timezone.now() + timedelta(seconds=4)
    DataRequest.objects.filter(pk=request.pk).update(due_at=moment + timedelta(hours=48), next_action_at=moment)
    time.sleep(max(0.0, (moment - timezone.now()).total_seconds() - 0.5))
    assert services.mail.lines() == []

    wait_for(services.mail.lines, timeout=15, what="the reminder")
    time.sleep(3)  # three more sweeps
    assert len(services.mail.lines()) == 1
    assert Notification.objects.get().sent_at >= moment

    beat = RedisCache(services.broker_url, {}).get(HEARTBEAT_KEY)
    assert timezone.now() - datetime.fromisoformat(beat) < timedelta(seconds=5)
