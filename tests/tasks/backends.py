"""Mail backends for tests: what leaves the machine is the only thing mocked."""

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionError("SMTP server refused the connection")


class SlowBackend(BaseEmailBackend):
    """Takes a second per message, as a slow SMTP server does, then keeps it in the locmem outbox."""

    def send_messages(self, email_messages):
        import time

        from django.core import mail

        time.sleep(1)
        mail.outbox.extend(email_messages)
        return len(email_messages)


class LongErrorBackend(BaseEmailBackend):
    """Refuses with a reply longer than the row's error column, as some SMTP servers do."""

    def send_messages(self, email_messages):
        raise ConnectionError("554 " + "Message rejected by the policy of the receiving server. " * 10)
