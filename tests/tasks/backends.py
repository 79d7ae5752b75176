"""Mail backends for tests: what leaves the machine is the only thing mocked."""

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionError("SMTP server refused the connection")
