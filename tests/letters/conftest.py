import pytest


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Letters and exports go to a throw-away private folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def run_tasks_inline(monkeypatch):
    """Run render_letter where .delay() is called, as the worker would: no broker in unit tests."""
    from dsar.letters import tasks

    monkeypatch.setattr(tasks.render_letter, "delay", lambda *a, **k: tasks.render_letter(*a, **k))


# --- signing (dsar/letters/signing/) ------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_ca():
    """One demo CA for the whole run (RSA key generation is the slow part)."""
    from datetime import timedelta

    from django.utils import timezone

    from dsar.letters.signing.certs import demo_authority

    return demo_authority(now=timezone.now() - timedelta(days=3650), years=30)


@pytest.fixture(scope="session")
def operator_rsa_key():
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def signing_required(settings, tmp_path, demo_ca):
    """Letters must be signed; the demo CA is where dsar_demo would put it and is trusted."""
    from dsar.letters.signing import demo_ca_paths
    from dsar.letters.signing.certs import demo_authority_pem

    settings.DSAR_LETTERS_SIGNING_REQUIRED = True
    settings.DSAR_SIGNING_TRUST_DEMO_CA = True
    settings.DSAR_SIGNING_TRUST_ROOTS = []
    settings.DSAR_SIGNING_DEMO_CA_DIR = str(tmp_path / "demo-ca")
    cert_path, key_path = demo_ca_paths()
    cert_path.parent.mkdir(parents=True)
    key_pem, cert_pem = demo_authority_pem(demo_ca)
    cert_path.write_bytes(cert_pem)
    key_path.write_bytes(key_pem)
    return demo_ca


@pytest.fixture
def give_key(demo_ca, operator_rsa_key):
    """give_key(operator, valid_from=..., valid_until=...) -> the operator's OperatorSigningKey."""
    from datetime import timedelta

    from django.utils import timezone

    from dsar.letters.signing.certs import demo_pkcs12
    from dsar.letters.signing.keys import signing_key_upload

    def give(operator, *, valid_from=None, valid_until=None, ca=None, now=None):
        now = now or timezone.now()
        valid_from = valid_from or now - timedelta(days=30)
        valid_until = valid_until or now + timedelta(days=365)
        p12 = demo_pkcs12(
            ca or demo_ca,
            organisation=operator.name_ru or operator.short_name,
            bin_iin=operator.bin_iin,
            password="nca-pass",
            not_before=valid_from,
            not_after=valid_until,
            key=operator_rsa_key,
        )
        return signing_key_upload(
            operator=operator, p12=p12, password="nca-pass", is_demo=True, now=min(now, valid_from)
        )

    return give


@pytest.fixture
def dummy_tsa(monkeypatch, demo_ca):
    """An RFC 3161 timestamp authority in the process (pyHanko's DummyTimeStamper), its
    certificate issued by the demo CA; the signing code asks `timestamper()` for it."""
    from datetime import timedelta

    from asn1crypto import keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from django.utils import timezone
    from pyhanko.sign.timestamps import DummyTimeStamper

    from dsar.letters import signing

    key = demo_ca.key  # any RSA key will do for a test TSA; the CA's spares a key generation
    now = timezone.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "DEMO timestamp authority")]))
        .issuer_name(demo_ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(demo_ca.key, hashes.SHA256())
    )
    der = serialization.Encoding.DER
    tsa = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
    )
    monkeypatch.setattr(signing, "timestamper", lambda: tsa)
    return tsa
