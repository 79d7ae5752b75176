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


def test_every_beat_entry_and_route_names_a_task_the_worker_knows(settings):
    """A task renamed or moved without its beat entry would be dropped by the worker, silently."""
    app.loader.import_default_modules()
    known = set(app.tasks)
    missing = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] not in known]
    assert missing == []
    for pattern in settings.CELERY_TASK_ROUTES:
        prefix = pattern.rstrip("*")
        assert any(name.startswith(prefix) for name in known), pattern


def test_every_task_of_dsar_carries_its_name_explicitly():
    """Task names are the wire protocol: they must not follow a module that moves."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "dsar"
    unnamed = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for dec in node.decorator_list:
                    call = dec if isinstance(dec, ast.Call) else None
                    target = dec.func if call else dec
                    if getattr(target, "id", None) == "shared_task":
                        if not call or not any(k.arg == "name" for k in call.keywords):
                            unnamed.append(f"{path.relative_to(root)}:{node.name}")
    assert unnamed == []
