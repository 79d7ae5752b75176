"""The five seed operators, modelled on ../shared/policies/. Contacts are @example.kz, never the real ones."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ..kinds import Kind
from ..models import Membership, Operator, Policy, Role
from ..validators import iin_bin_check_digit

CAL, WD = "calendar_days", "working_days"


def _with_check_digit(first11: str) -> str:
    digit = iin_bin_check_digit(first11)
    assert digit is not None, first11
    return first11 + str(digit)


OPERATORS = [
    {
        "slug": "qazeta",
        "short_name": "QazETA",
        "name_en": '"Kazdream Special Systems" LLP',
        "name_ru": 'ТОО "Kazdream Special Systems"',
        "name_kk": '"Kazdream Special Systems" ЖШС',
        "bin_iin": _with_check_digit("19084001234"),
        "legal_address": "2/1 Baurzhan Momyshuly Ave., 11th Floor, Astana, Republic of Kazakhstan",
        "contact_email": "privacy@qazeta.example.kz",
        "responsible_person": "A. Nurlanova, data protection officer",
        "languages": ["en", "ru", "kk"],
        "default_language": "en",
        "reference_prefix": "QZE",
        "minimum_age": 16,
        "website": "https://qazeta.example.kz",
        "about": "Mobile application for visitors to Kazakhstan: e-visa help and eSIM. Users aged 16 and older. "
        "Submitted service requests cannot be modified or deleted: file a new one. Data may go to the AIFC "
        "and partner jurisdictions only on your request.",
        "policies": {
            Kind.ENQUIRY: {"deadline_n": 15, "deadline_unit": CAL, "promise_text": "1 to 15 calendar days"},
            Kind.ACCESS: {"promise_text": "within 1 to 15 calendar days (the law: 3 working days)"},
            Kind.CLAIM: {"enabled": False, "deadline_n": 30, "deadline_unit": CAL},
        },
    },
    {
        "slug": "qazaq-esim",
        "short_name": "qazaq-esim.com",
        "name_en": "IE Islambakiyev Sh.A.",
        "name_ru": "ИП Исламбакиев Ш.А.",
        "name_kk": "ЖК Исламбакиев Ш.А.",
        "bin_iin": _with_check_digit("90031530012"),
        "legal_address": "Republic of Kazakhstan, Almaty, Samal-2, Building 33A",
        "contact_email": "support@qazaq-esim.example.kz",
        "responsible_person": "Sh. A. Islambakiyev, individual entrepreneur",
        "languages": ["en", "ru", "kk"],
        "default_language": "en",
        "reference_prefix": "QES",
        "website": "https://qazaq-esim.example.kz",
        "about": "Online shop of eSIM plans. You or your legal representative may ask to block or delete your data. "
        "A written pre-trial claim is required before going to court; it is answered within 30 calendar days.",
        "policies": {
            Kind.CLAIM: {
                "deadline_n": 30,
                "deadline_unit": CAL,
                "promise_text": "within 30 calendar days from the date of its receipt",
                "extension_allowed": True,
                "extension_max_n": 15,
                "extension_unit": CAL,
            },
            Kind.ENQUIRY: {"deadline_n": 15, "deadline_unit": CAL, "extension_allowed": True, "extension_max_n": 15},
        },
    },
    {
        "slug": "digital-kazakhstan",
        "short_name": "Digital Kazakhstan",
        "name_en": "Digital Kazakhstan NPO",
        "name_ru": 'ОЮЛ "Digital Kazakhstan"',
        "name_kk": '"Digital Kazakhstan" ЗТБ',
        "bin_iin": _with_check_digit("22014002345"),
        "legal_address": "Kunaev str. 12/1, Astana, Republic of Kazakhstan",
        "contact_email": "info@digitalkazakhstan.example.kz",
        "responsible_person": "D. Sarsenbayev, person responsible for processing",
        "languages": ["kk", "ru", "en"],
        "default_language": "kk",
        "reference_prefix": "DKZ",
        "retention_days": 3 * 365,
        "website": "https://digitalkazakhstan.example.kz",
        "about": "Association of the digital industry. Servers are in Kazakhstan. Correspondence is kept up to 3 years "
        "from the last contact; withdrawal of consent does not affect processing before it.",
        "policies": {},
    },
    {
        "slug": "qarat",
        "short_name": "QARAT Service",
        "name_en": 'LLP "QARAT Service"',
        "name_ru": 'ТОО "QARAT Service"',
        "name_kk": '"QARAT Service" ЖШС',
        "bin_iin": "210740014147",
        "legal_address": "Republic of Kazakhstan, Astana, Turkestan St. 18/1, apt. 33",
        "contact_email": "personal-data@qarat.example.kz",
        "responsible_person": "M. Akhmetov, director",
        "languages": ["ru", "kk", "en"],
        "default_language": "ru",
        "reference_prefix": "QRT",
        "require_phone_confirmation": True,
        "website": "https://qarat.example.kz",
        "about": 'Requests are accepted with the subject "Personal Data". We may ask you to prove that you own the '
        "phone number on file. Data is kept at most 3 years from your inquiry.",
        "policies": {},
    },
    {
        "slug": "qaztracker",
        "short_name": "QAZTRACKER",
        "name_en": 'LLP "QAZTRACKER"',
        "name_ru": 'ТОО "QAZTRACKER"',
        "name_kk": '"QAZTRACKER" ЖШС',
        "bin_iin": _with_check_digit("23051003456"),
        "legal_address": "Republic of Kazakhstan, Almaty, Dostyk Ave. 180",
        "contact_email": "privacy@qaztracker.example.kz",
        "responsible_person": "Е. Касымова, ответственный за организацию обработки",
        "languages": ["ru", "kk"],
        "default_language": "ru",
        "reference_prefix": "QZT",
        "website": "https://qaztracker.example.kz",
        "about": "Мобильное приложение для туров. Данные хранятся на серверах в Казахстане. "
        "Претензию о хранении данных подавайте со всеми реквизитами и подтверждающими документами.",
        "policies": {
            Kind.CLAIM: {"deadline_n": 30, "deadline_unit": CAL, "promise_text": "30 календарных дней"},
        },
    },
]

DEMO_PASSWORD = "demo-Password-2026"


def load_operators() -> list[Operator]:
    operators = []
    for spec in OPERATORS:
        spec = dict(spec)
        policies = spec.pop("policies")
        operator, _ = Operator.objects.update_or_create(slug=spec["slug"], defaults=spec)
        for kind in Kind:
            base = Policy.default_for(operator, kind)
            fields = {
                f: getattr(base, f)
                for f in ("deadline_n", "deadline_unit", "reminder_offsets_hours", "enabled")
            }
            fields.update(policies.get(kind, {}))
            Policy.objects.update_or_create(operator=operator, kind=kind, defaults=fields)
        operators.append(operator)
    return operators


def load_staff(operators: list[Operator]) -> list[tuple[str, str, str]]:
    """Staff for each role of each operator, and a platform administrator. Returns (username, role, operator)."""
    User = get_user_model()
    logins = []
    admin, created = User.objects.get_or_create(username="admin", defaults={"email": "admin@example.kz"})
    admin.is_staff = admin.is_superuser = True
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    logins.append(("admin", "platform administrator", "all operators"))
    for operator in operators:
        for role in Role:
            username = f"{operator.slug}-{role.value}"
            user, _ = User.objects.get_or_create(
                username=username, defaults={"email": f"{role.value}@{operator.slug}.example.kz"}
            )
            user.is_staff = True
            user.first_name = {"assistant": "Madina", "caseworker": "Aigerim", "manager": "Nurlan", "dpo": "Saule"}[role.value]
            user.last_name = operator.short_name
            user.set_password(DEMO_PASSWORD)
            user.save()
            Membership.objects.update_or_create(user=user, operator=operator, defaults={"role": role})
            logins.append((username, str(role.label), operator.short_name))
    # A second caseworker for the busiest operator, so workload charts compare people.
    extra, _ = User.objects.get_or_create(username="qaztracker-caseworker2", defaults={"email": "cw2@qaztracker.example.kz"})
    extra.is_staff = True
    extra.first_name, extra.last_name = "Daulet", "QAZTRACKER"
    extra.set_password(DEMO_PASSWORD)
    extra.save()
    Membership.objects.update_or_create(user=extra, operator=operators[-1], defaults={"role": Role.CASEWORKER})
    logins.append((extra.username, str(Role.CASEWORKER.label), operators[-1].short_name))
    from .staff_otp import ensure_demo_device

    for user in User.objects.filter(username__in=[login[0] for login in logins]):
        ensure_demo_device(user)
    return logins
