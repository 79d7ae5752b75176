"""Uploading an operator's signing certificate in the admin; expiry warnings; the preview; the demo keys."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dsar.letters.signing.alerts import signing_expiry_warn, signing_notices
from dsar.letters.signing.certs import demo_pkcs12
from dsar.models import Notification, OperatorSigningKey, Role
from tests.factories import otp_login, staff_user

pytestmark = pytest.mark.django_db

ADD = reverse("admin:dsar_operatorsigningkey_add")


@pytest.fixture
def p12(operator, demo_ca, operator_rsa_key):
    now = timezone.now()
    return demo_pkcs12(
        demo_ca,
        organisation="Сәуле ЖШС",
        bin_iin=operator.bin_iin,
        password="секрет",
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=200),
        key=operator_rsa_key,
    )


def upload(client, operator, data, password="секрет"):
    return client.post(
        ADD, {"operator": operator.pk, "p12_file": SimpleUploadedFile("key.p12", data), "password": password}
    )


@pytest.fixture
def admin_login(client):
    def login(operator, role):
        user = staff_user(operator, role)
        otp_login(client, user)
        return user

    return login


def test_it_lets_the_operators_administrator_upload_the_nca_key_and_stores_it_sealed(
    client, admin_login, operator, p12
):
    from django.db import connection

    admin_login(operator, Role.DPO)
    response = upload(client, operator, p12)
    assert response.status_code == 302, response.content.decode()[:2000]
    key = OperatorSigningKey.objects.get(operator=operator, is_active=True)
    assert key.bin == operator.bin_iin and key.common_name.startswith("DEMO") and key.secret["password"] == "секрет"
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM dsar_operatorsigningkey WHERE id = %s", [key.pk])
        raw = cursor.fetchone()[0]
    assert "секрет" not in str(raw) and "sealed" in str(raw), "the file and its password are stored encrypted"
    page = client.get(reverse("admin:dsar_operatorsigningkey_change", args=[key.pk])).content.decode()
    assert operator.bin_iin in page and key.serial in page and "days left" in page


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CASEWORKER])
def test_it_refuses_the_upload_to_anyone_but_the_operators_administrator(client, admin_login, operator, p12, role):
    admin_login(operator, role)
    response = upload(client, operator, p12)
    assert response.status_code in (403, 200) and not OperatorSigningKey.objects.exists()


def test_it_says_why_a_file_is_refused(client, admin_login, operator, p12):
    admin_login(operator, Role.DPO)
    response = upload(client, operator, p12, password="wrong")
    assert response.status_code == 200 and "cannot be used" in response.content.decode()
    assert not OperatorSigningKey.objects.exists()


def test_it_warns_30_and_7_days_before_expiry_once_each(operator, give_key):
    dpo = staff_user(operator, Role.DPO)
    now = timezone.now()
    key = give_key(operator, valid_until=now + timedelta(days=40))
    sent = lambda: list(Notification.objects.filter(template="signing_expiry").values_list("to", flat=True))  # noqa: E731

    assert signing_expiry_warn(now=now) == 0
    assert signing_expiry_warn(now=key.not_after - timedelta(days=29)) == 1
    assert signing_expiry_warn(now=key.not_after - timedelta(days=28)) == 0
    assert sent() == [dpo.email]
    assert signing_expiry_warn(now=key.not_after - timedelta(days=6)) == 1
    assert signing_expiry_warn(now=key.not_after - timedelta(days=5)) == 0
    assert sent() == [dpo.email, dpo.email]
    cards = signing_notices(operator_ids=[operator.pk], now=key.not_after - timedelta(days=5))
    assert [c["level"] for c in cards] == ["warning"] and cards[0]["days"] == 5


def test_it_shows_a_dashboard_card_while_letters_cannot_be_signed(operator, signing_required):
    cards = signing_notices(operator_ids=[operator.pk])
    assert cards and cards[0]["level"] == "error" and "No signing certificate" in cards[0]["why"]


def test_it_previews_a_signed_letter_and_keeps_nothing(operator, give_key, signing_required, tmp_path):
    from pyhanko.pdf_utils.reader import PdfFileReader

    from dsar.models import DataRequest, Event, Letter

    give_key(operator)
    out = tmp_path / "preview.pdf"
    with time_machine.travel(timezone.now() + timedelta(seconds=1)):
        call_command(
            "dsar_letter_preview",
            operator=operator.slug,
            letter="refusal",
            language="kk",
            out=str(out),
            stdout=io.StringIO(),
        )
    assert len(PdfFileReader(io.BytesIO(out.read_bytes())).embedded_signatures) == 1
    assert not DataRequest.objects.exists() and not Letter.objects.exists() and not Event.objects.exists()


def test_it_gives_every_demo_operator_a_demo_certificate(signing_required):
    from dsar.demo.operators import load_operators
    from dsar.demo.signing import load_signing_keys

    operators = load_operators()
    assert load_signing_keys(operators) == len(operators)
    assert load_signing_keys(operators) == 0, "safe to run twice"
    keys = OperatorSigningKey.objects.filter(is_active=True)
    assert keys.count() == len(operators) and all(k.is_demo and k.common_name.startswith("DEMO ") for k in keys)
