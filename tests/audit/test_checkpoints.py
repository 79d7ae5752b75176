import base64
import csv
import io
import os
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from dsar import signing
from dsar.admin.events import ChainCheckpointAdmin
from dsar.dashboard.csv_export import register_lines
from dsar.dashboard.forms import Scope
from dsar.models import ChainCheckpoint, Event, Letter, Role
from dsar.models.events import AppendOnlyError, verify_chain
from dsar.services.checkpoints import checkpoint_sign, checkpoints_sign_all
from dsar.services.transitions import transition
from tests.factories import OperatorFactory, make_request, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_file(settings, tmp_path):
    settings.DSAR_CHAIN_SIGNING_KEY = ""
    settings.DSAR_CHAIN_SIGNING_KEY_FILE = str(tmp_path / "keys" / "chain.pem")
    settings.DSAR_CHAIN_SIGNING_KEY_CREATE = True
    return tmp_path / "keys" / "chain.pem"


def test_it_signs_the_head_and_mails_it_to_the_dpo(operator, key_file, django_capture_on_commit_callbacks):
    dpo = staff_user(operator, Role.DPO, email="dpo@example.kz")
    staff_user(operator, Role.MANAGER, email="manager@example.kz")
    make_request(operator)
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = checkpoint_sign(operator_id=operator.pk)

    head = operator.chain_head
    head.refresh_from_db()
    assert (checkpoint.seq, checkpoint.head_hash) == (head.seq, head.last_hash)
    assert [m.to for m in mail.outbox] == [[dpo.email]]
    body = mail.outbox[0].body
    assert checkpoint.head_hash in body and checkpoint.signature in body
    # What the DPO keeps is enough to check the signature without the portal.
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(signing.public_key_text()))
    assert signing.public_key_text() in body
    public.verify(base64.b64decode(checkpoint.signature), checkpoint.message())


def test_it_mails_the_operators_contact_when_it_has_no_dpo(operator, key_file, django_capture_on_commit_callbacks):
    make_request(operator)
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint_sign(operator_id=operator.pk)
    assert [m.to for m in mail.outbox] == [[operator.contact_email]]


def test_it_signs_a_head_once_and_again_when_it_moves(operator, key_file):
    other = OperatorFactory()
    make_request(operator)
    make_request(other)
    assert checkpoints_sign_all() == 2
    assert checkpoints_sign_all() == 0
    make_request(operator)
    assert checkpoints_sign_all() == 1
    assert list(ChainCheckpoint.objects.filter(operator=operator).values_list("seq", flat=True)) == [1, 2]
    assert verify_chain(operator.pk) is None and verify_chain(other.pk) is None


def test_it_signs_no_empty_chain(operator, key_file):
    assert checkpoint_sign(operator_id=operator.pk) is None


def test_it_signs_daily_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["chain-checkpoints"]
    assert entry["task"] == "dsar.tasks.sign_chain_checkpoints"
    assert entry["schedule"].remaining_estimate(timezone.now()) <= timedelta(days=1)


def test_the_task_signs_every_operator(operator, key_file):
    from dsar.tasks import sign_chain_checkpoints

    make_request(operator)
    assert sign_chain_checkpoints() == 1


def test_it_refuses_to_change_or_delete_a_checkpoint_through_the_model(operator, key_file):
    make_request(operator)
    checkpoint = checkpoint_sign(operator_id=operator.pk)
    checkpoint.seq = 99
    with pytest.raises(AppendOnlyError):
        checkpoint.save()
    with pytest.raises(AppendOnlyError):
        checkpoint.delete()


@pytest.mark.postgres
@pytest.mark.parametrize("sql", ["UPDATE dsar_chaincheckpoint SET seq = 99", "DELETE FROM dsar_chaincheckpoint"])
def test_the_database_refuses_to_change_or_delete_a_checkpoint(operator, key_file, sql):
    make_request(operator)
    checkpoint_sign(operator_id=operator.pk)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert ChainCheckpoint.objects.get().seq == 1


def test_the_admin_shows_checkpoints_read_only(rf, admin_user):
    from django.contrib.admin.sites import site

    model_admin = ChainCheckpointAdmin(ChainCheckpoint, site)
    request = rf.get("/")
    request.user = admin_user
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_register_prints_the_checkpoints(operator, key_file):
    other = OperatorFactory()
    make_request(operator)
    make_request(other)
    checkpoints_sign_all()
    today = timezone.localdate()
    lines = register_lines(Scope((operator.pk,), today, today))
    text = b"".join(line if isinstance(line, bytes) else line.encode() for line in lines).decode()
    rows = list(csv.reader(io.StringIO(text)))
    mine = ChainCheckpoint.objects.get(operator=operator)
    assert [operator.short_name, "1", mine.head_hash] in [r[:3] for r in rows]
    assert not any(ChainCheckpoint.objects.get(operator=other).head_hash in r for r in rows)
    assert any(signing.public_key_text() in cell for r in rows for cell in r)


def test_it_creates_a_development_key_once_outside_the_database(key_file):
    first = signing.key_id()
    assert key_file.exists() and oct(os.stat(key_file).st_mode & 0o777) == "0o600"
    assert signing.key_id() == first


def test_it_refuses_to_run_without_a_key_where_creation_is_off(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.DSAR_CHAIN_SIGNING_KEY = ""
    settings.DSAR_CHAIN_SIGNING_KEY_FILE = str(tmp_path / "absent.pem")
    settings.DSAR_CHAIN_SIGNING_KEY_CREATE = False
    with pytest.raises(ImproperlyConfigured):
        signing.sign(b"x")


def test_it_reads_a_key_from_the_environment_setting(settings):
    raw = Ed25519PrivateKey.generate()
    settings.DSAR_CHAIN_SIGNING_KEY = base64.b64encode(raw.private_bytes_raw()).decode()
    assert signing.public_key_text() == base64.b64encode(raw.public_key().public_bytes_raw()).decode()


def test_it_reports_checkpoints_signed_with_another_key(operator, settings, key_file, tmp_path):
    make_request(operator)
    checkpoint_sign(operator_id=operator.pk)
    settings.DSAR_CHAIN_SIGNING_KEY_FILE = str(tmp_path / "another.pem")
    assert "no valid signature" in verify_chain(operator.pk).reason


def test_it_still_verifies_checkpoints_of_a_retired_key_listed_as_old(operator, settings, key_file, tmp_path):
    make_request(operator)
    checkpoint_sign(operator_id=operator.pk)
    retired = signing.public_key_text()
    settings.DSAR_CHAIN_SIGNING_KEY_FILE = str(tmp_path / "new.pem")
    settings.DSAR_CHAIN_OLD_PUBLIC_KEYS = [retired]
    make_request(operator)
    checkpoint_sign(operator_id=operator.pk)
    assert len({c.key_id for c in ChainCheckpoint.objects.filter(operator=operator)}) == 2
    assert verify_chain(operator.pk) is None


def test_the_command_reports_a_transition_whose_letter_is_missing(operator, key_file, capsys):
    request = make_request(operator)
    transition(request.pk, "confirm_identity")  # records its acknowledgment letter in the same transaction
    event = Event.objects.get(request=request, action="confirm_identity")
    call_command("dsar_verify_chain", operator=operator.slug)

    letter = Letter.objects.get(request=request, cause=f"event:{event.pk}")
    Letter.objects.filter(pk=letter.pk).delete()  # lost or removed behind the product's back
    with pytest.raises(CommandError):
        call_command("dsar_verify_chain", operator=operator.slug)
    err = capsys.readouterr().err
    assert f"MISSING LETTER {operator.slug}: event #{event.seq} (confirm_identity, request {request.pk})" in err
    assert "acknowledgment" in err

    Letter.objects.create(
        request=request,
        kind="acknowledgment",
        number="T-1",
        language="ru",
        cause=f"event:{event.pk}",
        verification_code="ABCD1234",
    )
    call_command("dsar_verify_chain", operator=operator.slug)


def test_the_command_warns_when_old_events_have_no_checkpoint(operator, key_file, capsys, time_machine):
    make_request(operator)
    time_machine.move_to(timezone.now() + timedelta(hours=49))
    call_command("dsar_verify_chain", operator=operator.slug)  # a warning, not a failure
    assert f"WARNING {operator.slug}: events from #1" in capsys.readouterr().err
    checkpoint_sign(operator_id=operator.pk)
    call_command("dsar_verify_chain", operator=operator.slug)
    assert "WARNING" not in capsys.readouterr().err
