"""Read queries for the pages that show letters: the subject's status page and the staff request page."""

from django.db.models import QuerySet

from ..models import Letter
from ..models.letters import ProcessingActivity


def letters_for_request(*, request, ready_only: bool = True) -> QuerySet[Letter]:
    """Letters of one request, oldest first. The subject sees only READY ones; staff may see all."""
    qs = Letter.objects.filter(request=request).order_by("created_at", "pk")
    return qs.filter(status=Letter.Status.READY) if ready_only else qs


def letter_file_for(*, request, letter_id: int) -> Letter | None:
    """A READY letter of this request, or None: callers serve `letter.file` as application/pdf
    (Content-Disposition: attachment) only after their own access check."""
    return letters_for_request(request=request).filter(pk=letter_id).first()


def register_for(*, operator, language: str) -> list[ProcessingActivity]:
    """The operator's register in the letter's language; else Russian (read by nearly every subject
    in Kazakhstan); else the operator's default language; else any."""
    active = ProcessingActivity.objects.filter(operator=operator, is_active=True)
    for lang in (language, "ru", operator.default_language):
        rows = list(active.filter(language=lang))
        if rows:
            return rows
    first = active.order_by("language").values_list("language", flat=True).first()
    return list(active.filter(language=first)) if first else []


# What the access answer and the data export show of each processing activity, in this order.
REGISTER_FIELDS = [
    "name",
    "purposes",
    "legal_grounds",
    "data_categories",
    "sources",
    "methods",
    "recipients",
    "cross_border",
    "storage_period",
]


def register_rows(*, operator, language: str) -> list[dict]:
    """register_for() as plain rows of REGISTER_FIELDS (letter contexts and exports store JSON)."""
    return [{f: getattr(a, f) for f in REGISTER_FIELDS} for a in register_for(operator=operator, language=language)]
