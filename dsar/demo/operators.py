"""The five seed operators, modelled on ../shared/policies/. Contacts are @example.kz, never the real ones."""

from django.contrib.auth import get_user_model

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
        "contact_email": "privacy@qazeta.example.kz",
        "languages": ["en", "ru", "kk"],
        "default_language": "en",
        "reference_prefix": "QZE",
        "minimum_age": 16,
        "website": "https://qazeta.example.kz",
        "legal_address_kk": "Қазақстан Республикасы, Астана қ., Бауыржан Момышұлы даң., 2/1, 11-қабат",
        "legal_address_ru": "Республика Казахстан, г. Астана, пр. Бауыржана Момышулы, 2/1, 11 этаж",
        "legal_address_en": "2/1 Baurzhan Momyshuly Ave., 11th Floor, Astana, Republic of Kazakhstan",
        "responsible_person_kk": "А. Нұрланова, дербес деректерді қорғауға жауапты",
        "responsible_person_ru": "А. Нурланова, ответственная за защиту персональных данных",
        "responsible_person_en": "A. Nurlanova, data protection officer",
        "about_kk": "Қазақстанға келушілерге арналған мобильді қосымша: электрондық визаға көмек және eSIM. Пайдаланушылар 16 жастан бастап. Берілген қызмет өтінімін өзгертуге немесе жоюға болмайды: жаңасын беріңіз. Деректер АХҚО мен серіктес юрисдикцияларға тек сіздің өтінішіңіз бойынша беріледі.",
        "about_ru": "Мобильное приложение для гостей Казахстана: помощь с электронной визой и eSIM. Пользователи от 16 лет. Поданную заявку на услугу нельзя изменить или удалить: подайте новую. Данные передаются в МФЦА и партнёрские юрисдикции только по вашей просьбе.",
        "about_en": "Mobile application for visitors to Kazakhstan: e-visa help and eSIM. Users aged 16 and older. Submitted service requests cannot be modified or deleted: file a new one. Data may go to the AIFC and partner jurisdictions only on your request.",
        "policies": {
            Kind.ENQUIRY: {
                "deadline_n": 15,
                "deadline_unit": CAL,
                "promise_text_kk": "1 күннен 15 күнтізбелік күнге дейін",
                "promise_text_ru": "от 1 до 15 календарных дней",
                "promise_text_en": "1 to 15 calendar days",
            },
            Kind.ACCESS: {
                "promise_text_kk": "1–15 күнтізбелік күн ішінде (заң бойынша — 3 жұмыс күні)",
                "promise_text_ru": "в течение 1–15 календарных дней (по закону — 3 рабочих дня)",
                "promise_text_en": "within 1 to 15 calendar days (the law: 3 working days)",
            },
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
        "contact_email": "support@qazaq-esim.example.kz",
        "languages": ["en", "ru", "kk"],
        "default_language": "en",
        "reference_prefix": "QES",
        "website": "https://qazaq-esim.example.kz",
        "legal_address_kk": "Қазақстан Республикасы, Алматы қ., Самал-2 ш/а, 33А үй",
        "legal_address_ru": "Республика Казахстан, г. Алматы, мкр. Самал-2, д. 33А",
        "legal_address_en": "Republic of Kazakhstan, Almaty, Samal-2, Building 33A",
        "responsible_person_kk": "Ш. А. Исламбакиев, жеке кәсіпкер",
        "responsible_person_ru": "Ш. А. Исламбакиев, индивидуальный предприниматель",
        "responsible_person_en": "Sh. A. Islambakiyev, individual entrepreneur",
        "about_kk": "eSIM тарифтерінің интернет-дүкені. Сіз немесе заңды өкіліңіз деректеріңізді бұғаттауды не жоюды талап ете аласыз. Сотқа жүгінгенге дейін жазбаша сотқа дейінгі талап қою міндетті; оған 30 күнтізбелік күн ішінде жауап беріледі.",
        "about_ru": "Интернет-магазин тарифов eSIM. Вы или ваш законный представитель можете потребовать блокировать или удалить ваши данные. До обращения в суд обязательна письменная досудебная претензия; ответ на неё — в течение 30 календарных дней.",
        "about_en": "Online shop of eSIM plans. You or your legal representative may ask to block or delete your data. A written pre-trial claim is required before going to court; it is answered within 30 calendar days.",
        "policies": {
            Kind.CLAIM: {
                "deadline_n": 30,
                "deadline_unit": CAL,
                "promise_text_kk": "алған күннен бастап 30 күнтізбелік күн ішінде",
                "promise_text_ru": "в течение 30 календарных дней с даты её получения",
                "promise_text_en": "within 30 calendar days from the date of its receipt",
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
        "contact_email": "info@digitalkazakhstan.example.kz",
        "languages": ["kk", "ru", "en"],
        "default_language": "kk",
        "reference_prefix": "DKZ",
        "retention_days": 3 * 365,
        "website": "https://digitalkazakhstan.example.kz",
        "legal_address_kk": "Қазақстан Республикасы, Астана қ., Қонаев к-сі, 12/1",
        "legal_address_ru": "Республика Казахстан, г. Астана, ул. Кунаева, 12/1",
        "legal_address_en": "Kunaev str. 12/1, Astana, Republic of Kazakhstan",
        "responsible_person_kk": "Д. Сәрсенбаев, өңдеуді ұйымдастыруға жауапты",
        "responsible_person_ru": "Д. Сарсенбаев, ответственный за организацию обработки",
        "responsible_person_en": "D. Sarsenbayev, person responsible for processing",
        "about_kk": "Цифрлық сала бірлестігі. Серверлер Қазақстанда орналасқан. Хат алмасу соңғы байланыстан бастап 3 жылға дейін сақталады; келісімді кері қайтарып алу оған дейінгі өңдеуге әсер етпейді.",
        "about_ru": "Объединение цифровой отрасли. Серверы находятся в Казахстане. Переписка хранится до 3 лет с последнего контакта; отзыв согласия не влияет на обработку до него.",
        "about_en": "Association of the digital industry. Servers are in Kazakhstan. Correspondence is kept up to 3 years from the last contact; withdrawal of consent does not affect processing before it.",
        "policies": {},
    },
    {
        "slug": "qarat",
        "short_name": "QARAT Service",
        "name_en": 'LLP "QARAT Service"',
        "name_ru": 'ТОО "QARAT Service"',
        "name_kk": '"QARAT Service" ЖШС',
        "bin_iin": "210740014147",
        "contact_email": "personal-data@qarat.example.kz",
        "languages": ["ru", "kk", "en"],
        "default_language": "ru",
        "reference_prefix": "QRT",
        "require_phone_confirmation": True,
        "website": "https://qarat.example.kz",
        "legal_address_kk": "Қазақстан Республикасы, Астана қ., Түркістан к-сі, 18/1, 33-пәтер",
        "legal_address_ru": "Республика Казахстан, г. Астана, ул. Туркестан, 18/1, кв. 33",
        "legal_address_en": "Republic of Kazakhstan, Astana, Turkestan St. 18/1, apt. 33",
        "responsible_person_kk": "М. Ахметов, директор",
        "responsible_person_ru": "М. Ахметов, директор",
        "responsible_person_en": "M. Akhmetov, director",
        "about_kk": "Өтініштер «Дербес деректер» тақырыбымен қабылданады. Біз дерекқордағы телефон нөмірі сізге тиесілі екенін растауды сұрауымыз мүмкін. Деректер өтініш берген күннен бастап 3 жылдан аспай сақталады.",
        "about_ru": "Обращения принимаются с темой «Персональные данные». Мы можем попросить подтвердить, что номер телефона в нашей базе принадлежит вам. Данные хранятся не более 3 лет с даты обращения.",
        "about_en": 'Requests are accepted with the subject "Personal Data". We may ask you to prove that you own the phone number on file. Data is kept at most 3 years from your inquiry.',
        "policies": {},
    },
    {
        "slug": "qaztracker",
        "short_name": "QAZTRACKER",
        "name_en": 'LLP "QAZTRACKER"',
        "name_ru": 'ТОО "QAZTRACKER"',
        "name_kk": '"QAZTRACKER" ЖШС',
        "bin_iin": _with_check_digit("23051003456"),
        "contact_email": "privacy@qaztracker.example.kz",
        "languages": ["ru", "kk"],
        "default_language": "ru",
        "reference_prefix": "QZT",
        "website": "https://qaztracker.example.kz",
        "legal_address_kk": "Қазақстан Республикасы, Алматы қ., Достық даң., 180",
        "legal_address_ru": "Республика Казахстан, г. Алматы, пр. Достык, 180",
        "legal_address_en": "Republic of Kazakhstan, Almaty, Dostyk Ave. 180",
        "responsible_person_kk": "Е. Қасымова, өңдеуді ұйымдастыруға жауапты",
        "responsible_person_ru": "Е. Касымова, ответственный за организацию обработки",
        "responsible_person_en": "Ye. Kassymova, person responsible for processing",
        "about_kk": "Турларға арналған мобильді қосымша. Деректер Қазақстандағы серверлерде сақталады. Деректердің сақталуы туралы талап қоюды барлық деректемелермен және растайтын құжаттармен беріңіз.",
        "about_ru": "Мобильное приложение для туров. Данные хранятся на серверах в Казахстане. Претензию о хранении данных подавайте со всеми реквизитами и подтверждающими документами.",
        "about_en": "Mobile app for tours. Data is kept on servers in Kazakhstan. File a claim about how your data is stored with all details and supporting documents.",
        "policies": {
            Kind.CLAIM: {
                "deadline_n": 30,
                "deadline_unit": CAL,
                "promise_text_kk": "30 күнтізбелік күн",
                "promise_text_ru": "30 календарных дней",
                "promise_text_en": "30 calendar days",
            },
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
            fields = {f: getattr(base, f) for f in ("deadline_n", "deadline_unit", "reminder_offsets_hours", "enabled")}
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
            user.first_name = {"assistant": "Madina", "caseworker": "Aigerim", "manager": "Nurlan", "dpo": "Saule"}[
                role.value
            ]
            user.last_name = operator.short_name
            user.set_password(DEMO_PASSWORD)
            user.save()
            Membership.objects.update_or_create(user=user, operator=operator, defaults={"role": role})
            logins.append((username, str(role.label), operator.short_name))
    # A second caseworker for the busiest operator, so workload charts compare people.
    extra, _ = User.objects.get_or_create(
        username="qaztracker-caseworker2", defaults={"email": "cw2@qaztracker.example.kz"}
    )
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
