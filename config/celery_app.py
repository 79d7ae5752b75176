"""The Celery app. Settings live in Django settings under the CELERY_ prefix (base.py).

Tasks are autodiscovered from dsar/tasks.py; the beat schedule is CELERY_BEAT_SCHEDULE.
"""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("dsar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_filesystem_broker_folders(sender, **kwargs):
    # kombu's filesystem transport (the embedded default, no Redis) fails on missing folders,
    # in the worker and in every process that queues a task.
    if not str(sender.conf.broker_url or "").startswith("filesystem"):
        return
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
