from config.celery_app import app
from dsar import tasks  # noqa: F401  registers the tasks


def test_it_configures_celery_for_at_least_once_delivery():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"


def test_it_keeps_the_visibility_timeout_longer_than_any_task_and_stranded_work_resumes_sooner(settings):
    timeout = app.conf.broker_transport_options["visibility_timeout"]
    assert timeout > app.conf.task_time_limit
    # A killed worker's outbox work is queued again by the outbox sweep long before Redis
    # hands its message to another worker.
    every = app.conf.beat_schedule["outbox"]["schedule"]
    assert every + settings.DSAR_OUTBOX_REQUEUE_AFTER_SECONDS <= 3 * 60 < timeout


def test_it_schedules_the_sweep_heartbeat_and_digests():
    tasks_scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "dsar.tasks.sweep",
        "dsar.tasks.heartbeat",
        "dsar.tasks.send_digests",
        "dsar.tasks.purge_exports",
        "dsar.tasks.outbox",
        "dsar.tasks.orphan_files",
    } <= tasks_scheduled
    assert set(tasks_scheduled) <= set(app.tasks)
