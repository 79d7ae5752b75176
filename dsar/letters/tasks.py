"""Celery tasks for letters: load by id, call one service, safe to run twice."""

from celery import shared_task

from ..models import Letter


@shared_task(bind=True, max_retries=8, acks_late=True)
def render_letter(self, letter_id: int) -> None:
    from .services import letter_mark_failed, letter_render

    try:
        letter_render(letter_id=letter_id)
    except Letter.DoesNotExist:
        return  # the request was deleted; nothing to render
    except Exception as exc:
        letter_mark_failed(letter_id=letter_id)
        # 30 s, 1 min, 2 min ... capped at 30 min.
        raise self.retry(exc=exc, countdown=min(30 * 2 ** self.request.retries, 1800))
