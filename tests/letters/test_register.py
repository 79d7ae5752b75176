from django.contrib.auth import get_user_model

from dsar.demo.operators import load_operators
from dsar.demo.register import REGISTERS, load_register
from dsar.models.letters import ProcessingActivity
from tests.factories import otp_login


def test_it_fills_the_five_seed_registers_once(db):
    operators = load_operators()
    created = load_register(operators)
    assert created == sum(len(rows) for entries in REGISTERS.values() for rows in entries.values())
    assert load_register(operators) == 0
    for operator in operators:
        for language in ("en", "ru"):
            rows = ProcessingActivity.objects.filter(operator=operator, language=language)
            assert rows.exists(), (operator.slug, language)
            assert all(r.purposes and r.legal_grounds and r.data_categories and r.storage_period for r in rows)
    qarat = ProcessingActivity.objects.filter(operator__slug="qarat", language="en")
    assert any("3 years" in r.storage_period for r in qarat)
    assert any("Yandex" in r.recipients for r in qarat)


def test_it_starts_a_new_letter_text_from_the_default_wording(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.kz", "pw-for-tests-123")
    otp_login(client, admin)
    response = client.get("/admin/dsar/lettertemplate/add/?kind=refusal&language=kk")
    assert response.status_code == 200
    assert "Дәлелді бас тарту" in response.content.decode()
