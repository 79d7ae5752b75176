"""A mail backend for worker subprocesses: one line per message in DSAR_TEST_MAIL_LOG.

With DSAR_TEST_SEND_DELAY it first writes "<to> <subject>" to <log>.started and sleeps,
so a test can kill the worker while a message is being sent.
"""

import fcntl
import os
import time

from django.core.mail.backends.base import BaseEmailBackend


def _append(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.write(line + "\n")
        f.flush()
        os.fsync(f.fileno())


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        log = os.environ["DSAR_TEST_MAIL_LOG"]
        delay = float(os.environ.get("DSAR_TEST_SEND_DELAY", "0"))
        for message in email_messages:
            line = f"{','.join(message.to)}\t{message.subject}"
            if delay:
                _append(log + ".started", line)
                time.sleep(delay)
            _append(log, line)
        return len(email_messages)
