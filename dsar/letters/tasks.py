"""Celery tasks for letters: load by id, call one service, safe to run twice.

No retry of its own: a failed render is rescheduled on the letter row and the outbox sweep
queues it again when its time comes (dsar/outbox.py).
"""

from celery import shared_task

from ..models import Letter
from .services import letter_render


@shared_task(name="dsar.letters.tasks.render_letter", acks_late=True)
def render_letter(letter_id: int) -> None:
    try:
        letter_render(letter_id=letter_id)
    except Letter.DoesNotExist:
        return  # the request was deleted; nothing to render


@shared_task(name="dsar.letters.signing_expiry_warn")
def signing_expiry_warn() -> int:
    """Daily: e-mail operators' administrators 30 and 7 days before their signing certificate expires."""
    from .signing.alerts import signing_expiry_warn as warn

    return warn()
