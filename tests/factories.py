from datetime import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from dsar.models import DataRequest, Membership, Operator, Role
from dsar.services.intake import request_create
from dsar.validators import iin_bin_check_digit


def valid_bin(n: int) -> str:
    """A 12-digit BIN with a correct check digit, distinct for each n."""
    for tweak in range(10):
        first11 = f"{(n * 7919 + tweak) % 10**11:011d}"
        digit = iin_bin_check_digit(first11)
        if digit is not None:
            return first11 + str(digit)
    raise AssertionError("no valid BIN found")


class OperatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operator

    slug = factory.Sequence(lambda n: f"operator-{n}")
    short_name = factory.Sequence(lambda n: f"Operator {n}")
    name_en = factory.LazyAttribute(lambda o: f"{o.short_name} LLP")
    name_ru = factory.LazyAttribute(lambda o: f"ТОО {o.short_name}")
    name_kk = factory.LazyAttribute(lambda o: f"{o.short_name} ЖШС")
    bin_iin = factory.Sequence(valid_bin)
    legal_address = "Astana, Mangilik El 55"
    contact_email = factory.LazyAttribute(lambda o: f"dpo@{o.slug}.example.kz")
    responsible_person = "Aigerim Abenova"
    languages = ["kk", "ru", "en"]
    default_language = "ru"
    reference_prefix = factory.Sequence(lambda n: "OP" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.kz")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def staff_user(operator: Operator, role: str = Role.CASEWORKER, **kwargs):
    """A staff user of `operator` in `role` (the role alone decides what they may do there)."""
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, operator=operator, role=role)
    return user


def make_request(operator: Operator, *, kind: str = "access", now: datetime | None = None, **fields) -> DataRequest:
    """A request as the web form would create it (awaiting identity confirmation)."""
    defaults = dict(subject_name="Dana Serikova", subject_email="dana@example.kz", subject_phone="+77011234567")
    defaults.update(fields)
    return request_create(operator=operator, kind=kind, now=now or timezone.now(), **defaults)


def otp_login(client, user):
    """Log in as after a password and a TOTP code: the session carries the verified device."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from dsar.demo.staff_otp import ensure_demo_device

    device = ensure_demo_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def stored_attachment(
    request, *, purpose="identity", name="passport.pdf", content_type="application/pdf", body=b"%PDF"
):
    """An attachment of `request` with its file in the default storage."""
    from django.core.files.base import ContentFile

    from dsar.models import Attachment

    attachment = Attachment(
        request=request, purpose=purpose, original_name=name, content_type=content_type, size=len(body), sha256="0" * 64
    )
    attachment.file.save("x", ContentFile(body), save=True)
    return attachment
