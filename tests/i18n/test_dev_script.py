"""bin/dev on another PORT: links in e-mails follow the port, and SIGTERM stops everything quickly.

Runs the real script with the embedded default (SQLite and the filesystem broker in a fresh
var directory), reusing the repository's .venv. The first run of bin/dev migrates and loads the
demo data, so this test takes a minute or two.
"""

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_members(sid: int) -> list[int]:
    """Processes still alive in the session bin/dev started (its web server, worker and beat)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[3]) == sid:
            alive.append(int(entry.name))
    return alive


def _wait_for(predicate, timeout: float, what: str, proc):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        if proc.poll() is not None:
            raise AssertionError(f"bin/dev exited ({proc.returncode}) while waiting for {what}")
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def test_it_serves_on_another_port_links_to_it_and_stops_on_sigterm(tmp_path):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DSAR_PUBLIC_BASE_URL", "DJANGO_SETTINGS_MODULE", "DSAR_TEST_DB_NAME")
    }
    env.update(PORT=str(port), DSAR_VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1")
    log = open(tmp_path / "dev.log", "w")
    proc = subprocess.Popen(
        [str(ROOT / "bin" / "dev")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(lambda: _up(f"{base}/ru/"), 900, "the web server", proc)
        db = sqlite3.connect(tmp_path / "var" / "dsar.sqlite3")
        reference, email = db.execute(
            "SELECT reference, subject_email FROM dsar_datarequest WHERE identity_confirmed_at IS NOT NULL "
            "AND acting_for_other = 0 AND subject_email != '' ORDER BY id LIMIT 1"
        ).fetchone()
        db.close()

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/ru/find/", timeout=30).read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "reference": reference, "email": email}).encode()
        posted = urllib.request.Request(f"{base}/ru/find/", data=body, headers={"Referer": f"{base}/ru/find/"})
        assert opener.open(posted, timeout=30).status == 200

        mail_dir = tmp_path / "var" / "mail"

        def link_mail():
            for path in mail_dir.glob("*.log"):
                text = path.read_text(errors="replace")
                if reference in text and "/r/" in text:
                    return text
            return None

        mail = _wait_for(link_mail, 120, "the status-link e-mail", proc)
        links = re.findall(r"https?://[^\s\"<>]+/r/[^\s\"<>]+", mail)
        assert links and all(link.startswith(f"{base}/") for link in links), links
        assert "127.0.0.1:8000" not in mail
        assert _up(f"{base}/favicon.ico")

        assert len(_session_members(proc.pid)) >= 3  # bin/dev, the web server, the worker
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
        while _session_members(proc.pid) and time.monotonic() - started < 15:
            time.sleep(0.2)
        assert not _session_members(proc.pid), "processes left running after SIGTERM"
        assert time.monotonic() - started < 15
        assert not _up(f"{base}/ru/")
    finally:
        for pid in _session_members(proc.pid):
            os.kill(pid, signal.SIGKILL)
        log.close()
