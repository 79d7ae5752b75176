"""A first run with no surprises: the README's commands work as printed."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)


def _fresh_env(tmp_path) -> dict:
    """A fresh clone: SQLite in an empty var directory that nobody has migrated."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DSAR_TEST_DB_NAME")}
    env.update(DSAR_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings.local")
    return env


def test_it_answers_the_readme_deadline_example_before_migrate(tmp_path):
    command = [
        sys.executable,
        "manage.py",
        "dsar_deadline",
        "--kind",
        "rectification",
        "--received",
        "2026-03-20T10:00:00+05:00",
    ]
    done = subprocess.run(command, cwd=ROOT, env=_fresh_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "2026-03-26T23:59:59+05:00"
    assert "1 working day " in done.stdout


def test_it_says_clearly_that_an_operator_needs_a_migrated_database(tmp_path):
    command = [
        sys.executable,
        "manage.py",
        "dsar_deadline",
        "--kind",
        "claim",
        "--received",
        "2026-11-06T09:00",
        "--operator",
        "qazaq-esim",
    ]
    done = subprocess.run(command, cwd=ROOT, env=_fresh_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "manage.py migrate" in done.stderr


@pytest.mark.django_db
def test_it_prints_a_second_factor_hint_that_works_as_printed_and_an_aligned_login_table(capsys, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.DEBUG = True
    call_command("dsar_demo", requests=0)
    out = capsys.readouterr().out
    lines = out.splitlines()
    table = [line for line in lines if re.match(r"  \S+\s{2,}\S", line)]
    assert len(table) >= 17, out
    # Every row's second and third columns start at the same offsets as the header's.
    header = table[0]
    role_at, operator_at = header.index("role"), header.index("operator")
    for row in table[1:]:
        assert row[role_at - 2 : role_at] == "  " and row[role_at] != " ", row
        assert row[operator_at - 2 : operator_at] == "  " and row[operator_at] != " ", row
    hint = next(line.strip() for line in lines if "dsar_otp_code" in line and line.strip().startswith(".venv"))
    argv = shlex.split(hint.replace("<username>", "qarat-caseworker"))
    assert argv[:3] == [".venv/bin/python", "manage.py", "dsar_otp_code"]
    assert (ROOT / argv[0]).exists() and (ROOT / argv[1]).exists()
    call_command(*argv[2:])
    code = capsys.readouterr().out.strip()
    assert re.fullmatch(r"\d{6}", code)
    assert TOTPDevice.objects.get(user__username="qarat-caseworker").verify_token(code)
