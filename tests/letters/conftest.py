import pytest


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Letters and exports go to a throw-away private folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def run_tasks_inline(monkeypatch):
    """Run render_letter where .delay() is called, as the worker would: no broker in unit tests."""
    from dsar.letters import tasks

    monkeypatch.setattr(tasks.render_letter, "delay", lambda *a, **k: tasks.render_letter(*a, **k))
