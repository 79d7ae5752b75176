"""`manage.py dsar_connectors add|remove|test|run` on a SQLite operator database."""

import json

import pytest
from django.core.management import CommandError, call_command

from dsar.connectors import engine as engines
from dsar.models import Connector, Event

from . import shop


@pytest.fixture
def operator_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    engine = engines.create(url)
    shop.build(engine)
    engine.dispose()
    (tmp_path / "shop.yml").write_text(shop.DATASET, encoding="utf-8")
    return url, str(tmp_path / "shop.yml")


def _add(operator, url, path, name="shop"):
    call_command("dsar_connectors", "add", "--operator", operator.slug, "--name", name, "--url", url, "--dataset", path)


def _run(capsys, operator, *args):
    capsys.readouterr()
    call_command("dsar_connectors", "run", "--operator", operator.slug, *args, "--json")
    return json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_it_adds_updates_and_removes_a_connector_keeping_the_url_sealed(operator, operator_db, capsys):
    url, path = operator_db
    _add(operator, url, path)
    _add(operator, url.replace("shop.db", "shop.db"), path)  # the same name updates
    connector = Connector.objects.get()
    assert connector.url == url and connector.url_hint == url
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM dsar_connector")
        (stored,) = cursor.fetchone()
    assert "shop.db" not in stored  # encrypted at rest
    call_command("dsar_connectors", "remove", "shop")
    assert not Connector.objects.exists()


@pytest.mark.django_db
def test_it_never_shows_the_password_back(operator, operator_db):
    _url, path = operator_db
    _add(operator, "postgresql://app:s3cret@db.example:5432/shop", path)
    assert "s3cret" not in Connector.objects.get().url_hint


@pytest.mark.django_db
def test_it_runs_access_and_destruction_and_prints_json(operator, operator_db, capsys):
    url, path = operator_db
    _add(operator, url, path)
    out = _run(capsys, operator, "--kind", "access", "--email", "anna@example.kz")
    found = {c["collection"]: {r["id"] for r in c["rows"]} for c in out["collections"]}
    assert found == shop.ANNA_ROWS
    assert set(out["collections"][0]) == {"dataset", "collection", "rows", "affected"}
    dry = _run(capsys, operator, "--kind", "destruction", "--phone", "8 701 123 45 67", "--dry-run")
    assert sum(c["affected"] for c in dry["collections"]) == 7
    assert not Event.objects.filter(action="connector_destruction").exists()
    done = _run(capsys, operator, "--kind", "destruction", "--phone", "+7 701 123 4567")
    assert [c["affected"] for c in done["collections"]] == [c["affected"] for c in dry["collections"]]
    event = Event.objects.get(action="connector_destruction")
    assert event.data["affected"] == 7 and len(event.data["keys_sha256"]) == 64
    assert "anna" not in json.dumps(event.data)
    again = _run(capsys, operator, "--kind", "destruction", "--account-id", "501")
    assert sum(c["affected"] for c in again["collections"]) == 0


@pytest.mark.django_db
def test_it_names_each_problem_when_testing(operator, operator_db, capsys, tmp_path):
    url, path = operator_db
    text = shop.DATASET.replace("name: nickname", "name: nick").replace(
        "strategy: string_rewrite\n                configuration: {rewrite_value: MASKED}", "strategy: null_rewrite"
    )
    (tmp_path / "bad.yml").write_text(text, encoding="utf-8")
    _add(operator, url, str(tmp_path / "bad.yml"))
    with pytest.raises(CommandError):
        call_command("dsar_connectors", "test", "shop")
    err = capsys.readouterr().err
    assert "shop.profile.nick: column nick is missing" in err
    assert "shop.customer.name: NOT NULL column cannot be masked" in err
    _add(operator, url, path)
    call_command("dsar_connectors", "test", "shop")
    assert "ok shop" in capsys.readouterr().out


@pytest.mark.django_db
def test_it_refuses_a_bad_map_or_identity_with_a_message(operator, operator_db, tmp_path, capsys):
    url, _path = operator_db
    (tmp_path / "bad.yml").write_text("dataset: []", encoding="utf-8")
    with pytest.raises(CommandError):
        _add(operator, url, str(tmp_path / "bad.yml"))
    assert "`dataset` must be a non-empty list" in capsys.readouterr().err
    with pytest.raises(CommandError, match="not a phone number"):
        call_command("dsar_connectors", "run", "--operator", operator.slug, "--kind", "access", "--phone", "12")
