"""Signed checkpoints of each operator's audit chain (see dsar/models/events.py).

Beat signs every operator's chain head once a day (`chain-checkpoints` in settings); a head
that has not moved since its last checkpoint is already covered and is not signed again. Each
new checkpoint is e-mailed, through the outbox and in the same transaction, to the operator's
responsible persons (DPO memberships; the operator's contact address when it has none): a copy
outside the database that the chain can later be checked against. The regulator's register
prints them too.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .. import signing
from ..models import ChainCheckpoint, EventChainHead, Membership, Operator, Role
from .notifications import notify


def checkpoint_sign(*, operator_id: int, now: datetime | None = None) -> ChainCheckpoint | None:
    """Sign the operator's current chain head; None when the head is empty or already signed."""
    now = now or timezone.now()
    with transaction.atomic():
        # The head row is written in the same transaction as its event, so the committed row
        # read here names a committed event; no lock is needed to sign it.
        head = EventChainHead.objects.filter(operator_id=operator_id).first()
        if head is None or head.seq == 0:
            return None
        latest = ChainCheckpoint.objects.filter(operator_id=operator_id).order_by("-seq").first()
        if latest is not None and latest.seq >= head.seq:
            return None
        checkpoint = ChainCheckpoint(
            operator_id=operator_id, seq=head.seq, head_hash=head.last_hash, signed_at=now, key_id=signing.key_id()
        )
        checkpoint.signature = signing.sign(checkpoint.message())
        checkpoint.save(force_insert=True)
        _send_to_dpo(checkpoint)
    return checkpoint


def checkpoints_sign_all(*, now: datetime | None = None) -> int:
    """Sign every operator's chain head that moved since its last checkpoint; how many were signed."""
    now = now or timezone.now()
    signed = 0
    for operator_id in Operator.objects.order_by("pk").values_list("pk", flat=True):
        signed += checkpoint_sign(operator_id=operator_id, now=now) is not None
    return signed


def _send_to_dpo(checkpoint: ChainCheckpoint) -> None:
    operator = Operator.objects.get(pk=checkpoint.operator_id)
    dpos = (
        Membership.objects.filter(operator=operator, role=Role.DPO, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    targets = [(f"user{m.user_id}", m.user.email, m.user.get_full_name() or m.user.username) for m in dpos]
    if not targets:
        targets = [("contact", operator.contact_email, "")]
    language = operator.default_language
    context = {
        "operator_name": operator.legal_name(language),
        "operator_bin": operator.bin_iin,
        "seq": checkpoint.seq,
        "head_hash": checkpoint.head_hash,
        "signed_at": checkpoint.signed_at.isoformat(),
        "key_id": checkpoint.key_id,
        "public_key": signing.public_key_text(),
        "signature": checkpoint.signature,
        "message": checkpoint.message().decode(),
    }
    for user_key, email, name in targets:
        notify(
            key=f"checkpoint:{checkpoint.pk}:{user_key}",
            channel="email",
            to=email,
            template="chain_checkpoint",
            context=context | {"recipient_name": name},
            language=language,
        )
