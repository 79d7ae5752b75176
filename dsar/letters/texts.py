"""The words of a letter in Kazakh, Russian and English.

A letter is a legal document in the subject's language. Its wording lives here as data,
not in the gettext catalogues, so a letter never comes out half-translated when a
catalogue lags behind; the operator can override the editable parts in the admin
(LetterTemplate). The legal blocks (grounds, the right to complain, the access items)
are not editable.
"""

import re
from string import Template

LANGUAGES = ("kk", "ru", "en")

LABELS = {
    "en": {
        "bin_iin": "BIN/IIN",
        "address": "Address",
        "contact": "Contact",
        "responsible": "Person responsible for processing",
        "number": "Outgoing No.",
        "date": "Date",
        "to": "To",
        "request": "Your request",
        "kind": "Kind of request",
        "received": "Received",
        "due": "Answer due",
        "page": "Page",
        "of": "of",
        "verify": "Check that this letter is authentic at",
        "code": "Verification code",
        "ground": "Ground of the refusal",
        "basis": "Legal basis",
        "explanation": "Explanation",
        "appeal_title": "Your right to appeal",
        "appeal": "Under article 24 of the Law of the Republic of Kazakhstan No. 94-V \u201cOn Personal Data and Their "
        "Protection\u201d you may complain about this decision to the authorised body for personal data "
        "protection, the Ministry of Artificial Intelligence and Digital Development of the Republic of "
        "Kazakhstan, or go to court.",
        "signature": "Person responsible for processing personal data",
        "register": "How we process your personal data",
        "activity": "Processing activity",
        "purposes": "Purposes",
        "legal_grounds": "Legal grounds",
        "data_categories": "Categories of data",
        "sources": "Sources",
        "methods": "Methods of processing",
        "recipients": "Who has or may get access (recipients, processors and their location)",
        "cross_border": "Cross-border transfers",
        "storage_period": "Storage period",
        "records": "The data we hold about you",
        "record_source": "Source",
        "file": "file",
        "no_records": "Our staff found no further records about you beyond those described above.",
        "free": "This answer is free of charge.",
        "export": "A machine-readable copy (JSON and CSV) is available on the status page of your request after a fresh confirmation code.",
        "outcome": "Result of the review",
        "new_due": "New due date",
        "on_behalf": "On behalf of",
    },
    "ru": {
        "bin_iin": "БИН/ИИН",
        "address": "Адрес",
        "contact": "Контакты",
        "responsible": "Ответственный за организацию обработки",
        "number": "Исх. №",
        "date": "Дата",
        "to": "Кому",
        "request": "Ваше обращение",
        "kind": "Вид обращения",
        "received": "Получено",
        "due": "Срок ответа",
        "page": "Страница",
        "of": "из",
        "verify": "Проверить подлинность письма",
        "code": "Код проверки",
        "ground": "Основание отказа",
        "basis": "Правовое основание",
        "explanation": "Пояснение",
        "appeal_title": "Право на обжалование",
        "appeal": "В соответствии со статьёй 24 Закона Республики Казахстан № 94-V «О персональных данных и их "
        "защите» вы вправе обжаловать это решение в уполномоченный орган в сфере защиты персональных "
        "данных — Министерство искусственного интеллекта и цифрового развития Республики Казахстан — "
        "или в суд.",
        "signature": "Ответственный за организацию обработки персональных данных",
        "register": "Как мы обрабатываем ваши персональные данные",
        "activity": "Вид обработки",
        "purposes": "Цели",
        "legal_grounds": "Правовые основания",
        "data_categories": "Категории данных",
        "sources": "Источники",
        "methods": "Способы обработки",
        "recipients": "Кто имеет или может получить доступ (получатели, обработчики и их местонахождение)",
        "cross_border": "Трансграничная передача",
        "storage_period": "Срок хранения",
        "records": "Данные о вас, которые у нас есть",
        "record_source": "Источник",
        "file": "файл",
        "no_records": "Помимо описанного выше, иных записей о вас не найдено.",
        "free": "Ответ предоставляется бесплатно.",
        "export": "Машиночитаемая копия (JSON и CSV) доступна на странице статуса обращения после ввода нового кода подтверждения.",
        "outcome": "Результат рассмотрения",
        "new_due": "Новый срок",
        "on_behalf": "В интересах",
    },
    "kk": {
        "bin_iin": "БСН/ЖСН",
        "address": "Мекенжайы",
        "contact": "Байланыс",
        "responsible": "Өңдеуді ұйымдастыруға жауапты тұлға",
        "number": "Шығыс №",
        "date": "Күні",
        "to": "Кімге",
        "request": "Сіздің өтінішіңіз",
        "kind": "Өтініш түрі",
        "received": "Қабылданды",
        "due": "Жауап беру мерзімі",
        "page": "Бет",
        "of": "/",
        "verify": "Хаттың түпнұсқалығын тексеру",
        "code": "Тексеру коды",
        "ground": "Бас тарту негізі",
        "basis": "Құқықтық негіз",
        "explanation": "Түсініктеме",
        "appeal_title": "Шағымдану құқығы",
        "appeal": "«Дербес деректер және оларды қорғау туралы» Қазақстан Республикасының № 94-V Заңының 24-бабына "
        "сәйкес сіз бұл шешімге дербес деректерді қорғау саласындағы уәкілетті органға — Қазақстан "
        "Республикасының Жасанды интеллект және цифрлық даму министрлігіне — немесе сотқа шағымдана аласыз.",
        "signature": "Дербес деректерді өңдеуді ұйымдастыруға жауапты тұлға",
        "register": "Сіздің дербес деректеріңізді қалай өңдейміз",
        "activity": "Өңдеу түрі",
        "purposes": "Мақсаттары",
        "legal_grounds": "Құқықтық негіздері",
        "data_categories": "Деректер санаттары",
        "sources": "Дереккөздері",
        "methods": "Өңдеу тәсілдері",
        "recipients": "Кімде қолжетімділік бар немесе болуы мүмкін (алушылар, өңдеушілер және олардың орналасқан жері)",
        "cross_border": "Трансшекаралық беру",
        "storage_period": "Сақтау мерзімі",
        "records": "Сіз туралы бізде бар деректер",
        "record_source": "Дереккөзі",
        "file": "файл",
        "no_records": "Жоғарыда сипатталғаннан басқа сіз туралы жазбалар табылған жоқ.",
        "free": "Жауап тегін беріледі.",
        "export": "Машинамен оқылатын көшірме (JSON және CSV) жаңа растау кодын енгізгеннен кейін өтініш мәртебесі бетінде қолжетімді.",
        "outcome": "Қарау нәтижесі",
        "new_due": "Жаңа мерзім",
        "on_behalf": "Кімнің атынан",
    },
}

REQUEST_KINDS = {
    "en": {
        "access": "Access to personal data",
        "rectification": "Rectification of personal data",
        "blocking": "Blocking of personal data",
        "destruction": "Destruction of personal data",
        "consent_withdrawal": "Withdrawal of consent",
        "automated_decision_objection": "Objection to an automated decision",
        "claim": "Pre-trial claim",
        "enquiry": "Enquiry about processing",
    },
    "ru": {
        "access": "Доступ к персональным данным",
        "rectification": "Изменение и дополнение персональных данных",
        "blocking": "Блокирование персональных данных",
        "destruction": "Уничтожение персональных данных",
        "consent_withdrawal": "Отзыв согласия",
        "automated_decision_objection": "Возражение против автоматизированного решения",
        "claim": "Досудебная претензия",
        "enquiry": "Запрос об обработке",
    },
    "kk": {
        "access": "Дербес деректерге қол жеткізу",
        "rectification": "Дербес деректерді өзгерту және толықтыру",
        "blocking": "Дербес деректерді бұғаттау",
        "destruction": "Дербес деректерді жою",
        "consent_withdrawal": "Келісімді кері қайтарып алу",
        "automated_decision_objection": "Автоматтандырылған шешімге қарсылық",
        "claim": "Сотқа дейінгі талап-арыз",
        "enquiry": "Өңдеу туралы сұрау",
    },
}

REFUSAL_GROUNDS = {
    "en": {
        "no_supporting_documents": "No documents prove the correct data",
        "violation_not_confirmed": "The violation of the conditions of collection or processing was not confirmed",
        "lawful_storage_period_runs": "Processing is lawful and the storage period has not expired",
        "law_requires_keeping": "A law requires the data to be kept",
        "withdrawal_contradicts_law": "Withdrawal of consent contradicts a law",
        "obligation_unfulfilled": "An obligation is not yet fulfilled",
        "consent_given_for_automated": "Consent to the automated decision was given",
        "law_allows_automated": "A law allows the automated decision",
        "identity_not_proven": "The requester's identity or authority is not proven",
        "no_data_held": "The operator holds no personal data about the subject",
        "claim_unfounded": "The claim is unfounded after review",
        "other": "Other reasoned ground",
    },
    "ru": {
        "no_supporting_documents": "Не представлены документы, подтверждающие достоверные данные",
        "violation_not_confirmed": "Нарушение условий сбора или обработки не подтвердилось",
        "lawful_storage_period_runs": "Обработка правомерна, срок хранения не истёк",
        "law_requires_keeping": "Закон требует хранить данные",
        "withdrawal_contradicts_law": "Отзыв согласия противоречит закону",
        "obligation_unfulfilled": "Обязательство ещё не исполнено",
        "consent_given_for_automated": "Согласие на автоматизированное решение было дано",
        "law_allows_automated": "Закон допускает автоматизированное решение",
        "identity_not_proven": "Личность или полномочия заявителя не подтверждены",
        "no_data_held": "Оператор не обрабатывает персональные данные заявителя",
        "claim_unfounded": "Претензия признана необоснованной по итогам рассмотрения",
        "other": "Иное мотивированное основание",
    },
    "kk": {
        "no_supporting_documents": "Дұрыс деректерді растайтын құжаттар ұсынылмады",
        "violation_not_confirmed": "Жинау немесе өңдеу шарттарының бұзылуы расталмады",
        "lawful_storage_period_runs": "Өңдеу заңды, сақтау мерзімі өткен жоқ",
        "law_requires_keeping": "Заң деректерді сақтауды талап етеді",
        "withdrawal_contradicts_law": "Келісімді кері қайтарып алу заңға қайшы келеді",
        "obligation_unfulfilled": "Міндеттеме әлі орындалған жоқ",
        "consent_given_for_automated": "Автоматтандырылған шешімге келісім берілген",
        "law_allows_automated": "Заң автоматтандырылған шешімге жол береді",
        "identity_not_proven": "Өтініш берушінің жеке басы немесе өкілеттігі расталмады",
        "no_data_held": "Оператор өтініш берушінің дербес деректерін өңдемейді",
        "claim_unfounded": "Қарау нәтижесінде талап-арыз негізсіз деп танылды",
        "other": "Өзге де дәлелді негіз",
    },
}

# Results of a claim review, by the request's outcome.
CLAIM_OUTCOMES = {
    "en": {
        "fulfilled": "The claim is satisfied.",
        "partly_fulfilled": "The claim is satisfied in part.",
        "refused": "The claim is rejected.",
        "claim_unfounded": "The claim is unfounded and is not satisfied. This is the result of our review, given in answer to your claim.",
    },
    "ru": {
        "fulfilled": "Претензия удовлетворена.",
        "partly_fulfilled": "Претензия удовлетворена частично.",
        "refused": "В удовлетворении претензии отказано.",
        "claim_unfounded": "Претензия признана необоснованной и не удовлетворена. Это результат рассмотрения, данный в ответ на вашу претензию.",
    },
    "kk": {
        "fulfilled": "Талап-арыз қанағаттандырылды.",
        "partly_fulfilled": "Талап-арыз ішінара қанағаттандырылды.",
        "refused": "Талап-арызды қанағаттандырудан бас тартылды.",
        "claim_unfounded": "Талап-арыз негізсіз деп танылды және қанағаттандырылмады. Бұл талап-арызыңызға жауап ретінде берілген қарау нәтижесі.",
    },
}

# Explanations the system writes itself (the sweep), stored in the subject's language.
AUTOMATIC_EXPLANATIONS = {
    "clarification_unanswered": {
        "en": "You did not answer our request for clarification or documents in time.",
        "ru": "Вы не ответили в срок на наш запрос уточнений или документов.",
        "kk": "Сіз нақтылау немесе құжаттар туралы сұрауымызға мерзімінде жауап бермедіңіз.",
    },
}

# Why a request was closed as withdrawn (workflow `withdraw`, closed_because).
WITHDRAWAL_REASONS = {
    "subject": {
        "en": "The request was withdrawn at your wish. You may make a new request at any time.",
        "ru": "Обращение отозвано по вашему желанию. Вы можете подать новое обращение в любое время.",
        "kk": "Өтініш сіздің қалауыңыз бойынша кері қайтарылды. Кез келген уақытта жаңа өтініш бере аласыз.",
    },
    "unanswered": {
        "en": "We asked you for clarification or documents and received no answer within the time our policy allows. "
        "You may make a new request at any time.",
        "ru": "Мы запросили у вас уточнения или документы и не получили ответа в срок, установленный нашей политикой. "
        "Вы можете подать новое обращение в любое время.",
        "kk": "Біз сізден нақтылау немесе құжаттар сұрадық, бірақ біздің саясатта белгіленген мерзімде жауап алмадық. "
        "Кез келген уақытта жаңа өтініш бере аласыз.",
    },
}


def automatic_explanation(code: str, language: str) -> str:
    texts = AUTOMATIC_EXPLANATIONS[code]
    return texts.get(language) or texts["ru"]


def withdrawal_reason(closed_because: str, language: str) -> str:
    texts = WITHDRAWAL_REASONS.get(closed_because) or WITHDRAWAL_REASONS["subject"]
    return texts.get(language) or texts["ru"]


# Default editable texts: (title, body). Paragraphs are separated by blank lines.
DEFAULTS = {
    "acknowledgment": {
        "en": (
            "Acknowledgment of receipt",
            "Dear $addressee,\n\nWe have received your request \u201c$kind\u201d, reference $reference, on $received.\n\n"
            "We will answer by $due. Keep the reference: you can follow the request on the status page of the portal.",
        ),
        "ru": (
            "Уведомление о получении обращения",
            "Уважаемый(ая) $addressee!\n\nВаше обращение «$kind» № $reference получено $received.\n\n"
            "Мы ответим до $due. Сохраните номер обращения: ход рассмотрения виден на странице статуса на портале.",
        ),
        "kk": (
            "Өтініштің қабылданғаны туралы хабарлама",
            "Құрметті $addressee!\n\nСіздің «$kind» өтінішіңіз № $reference $received қабылданды.\n\n"
            "Біз $due дейін жауап береміз. Өтініш нөмірін сақтаңыз: қаралу барысын порталдағы мәртебе бетінен көруге болады.",
        ),
    },
    "clarification": {
        "en": (
            "Request for clarification or documents",
            "Dear $addressee,\n\nTo answer your request $reference we need the following from you:\n\n$question\n\n"
            "Please reply on the status page of the portal. While we wait for your answer the time for our answer may be paused, as our policy provides.",
        ),
        "ru": (
            "Запрос уточнений или документов",
            "Уважаемый(ая) $addressee!\n\nДля ответа на обращение № $reference просим представить следующее:\n\n$question\n\n"
            "Ответить можно на странице статуса обращения на портале. Пока мы ждём ваш ответ, срок рассмотрения может быть приостановлен в соответствии с нашей политикой.",
        ),
        "kk": (
            "Нақтылау немесе құжаттар сұрау",
            "Құрметті $addressee!\n\n№ $reference өтінішке жауап беру үшін мынаны ұсынуыңызды сұраймыз:\n\n$question\n\n"
            "Порталдағы өтініш мәртебесі бетінде жауап бере аласыз. Жауабыңызды күткен уақытта қарау мерзімі біздің саясатқа сәйкес тоқтатылуы мүмкін.",
        ),
    },
    "extension": {
        "en": (
            "Notice of an extension",
            "Dear $addressee,\n\nWe need more time to answer your request $reference. The new due date is $new_due.\n\nReason: $reason",
        ),
        "ru": (
            "Уведомление о продлении срока",
            "Уважаемый(ая) $addressee!\n\nДля ответа на обращение № $reference нам требуется больше времени. Новый срок ответа — $new_due.\n\nПричина: $reason",
        ),
        "kk": (
            "Мерзімді ұзарту туралы хабарлама",
            "Құрметті $addressee!\n\n№ $reference өтінішке жауап беру үшін бізге көбірек уақыт қажет. Жауап берудің жаңа мерзімі — $new_due.\n\nСебебі: $reason",
        ),
    },
    "fulfilled": {
        "en": (
            "Answer to your request",
            "Dear $addressee,\n\nWe have considered your request \u201c$kind\u201d, reference $reference, and done what you asked.",
        ),
        "ru": (
            "Ответ на обращение",
            "Уважаемый(ая) $addressee!\n\nМы рассмотрели ваше обращение «$kind» № $reference и выполнили ваше требование.",
        ),
        "kk": (
            "Өтінішке жауап",
            "Құрметті $addressee!\n\nБіз сіздің «$kind» № $reference өтінішіңізді қарап, талабыңызды орындадық.",
        ),
    },
    "partly_fulfilled": {
        "en": (
            "Answer to your request: partly fulfilled",
            "Dear $addressee,\n\nWe have considered your request \u201c$kind\u201d, reference $reference, and fulfilled it in part.\n\n"
            "What was not done and why: $explanation",
        ),
        "ru": (
            "Ответ на обращение: выполнено частично",
            "Уважаемый(ая) $addressee!\n\nМы рассмотрели ваше обращение «$kind» № $reference и выполнили его частично.\n\n"
            "Что не выполнено и почему: $explanation",
        ),
        "kk": (
            "Өтінішке жауап: ішінара орындалды",
            "Құрметті $addressee!\n\nБіз сіздің «$kind» № $reference өтінішіңізді қарап, оны ішінара орындадық.\n\n"
            "Не орындалмады және неге: $explanation",
        ),
    },
    "refusal": {
        "en": (
            "Reasoned refusal",
            "Dear $addressee,\n\nWe have considered your request \u201c$kind\u201d, reference $reference, and must refuse it for the reasons below.",
        ),
        "ru": (
            "Мотивированный отказ",
            "Уважаемый(ая) $addressee!\n\nМы рассмотрели ваше обращение «$kind» № $reference и вынуждены отказать по следующим основаниям.",
        ),
        "kk": (
            "Дәлелді бас тарту",
            "Құрметті $addressee!\n\nБіз сіздің «$kind» № $reference өтінішіңізді қарадық және төмендегі негіздер бойынша бас тартуға мәжбүрміз.",
        ),
    },
    "blocked": {
        "en": (
            "Notice: your data is blocked",
            "Dear $addressee,\n\nFollowing your request $reference we have blocked your personal data while we check the violation you reported. "
            "If the violation is not confirmed, the data will be unblocked and you will be told why.",
        ),
        "ru": (
            "Уведомление о блокировании данных",
            "Уважаемый(ая) $addressee!\n\nПо вашему обращению № $reference ваши персональные данные заблокированы на время проверки сообщённого нарушения. "
            "Если нарушение не подтвердится, данные будут разблокированы, и мы сообщим вам причину.",
        ),
        "kk": (
            "Деректерді бұғаттау туралы хабарлама",
            "Құрметті $addressee!\n\n№ $reference өтінішіңіз бойынша хабарланған бұзушылық тексерілгенше сіздің дербес деректеріңіз бұғатталды. "
            "Бұзушылық расталмаса, деректер бұғаттан шығарылады және біз себебін хабарлаймыз.",
        ),
    },
    "unblocked": {
        "en": (
            "Notice: your data is unblocked",
            "Dear $addressee,\n\nWe have checked the violation reported in your request $reference. It was not confirmed, so your personal data has been unblocked.",
        ),
        "ru": (
            "Уведомление о разблокировании данных",
            "Уважаемый(ая) $addressee!\n\nМы проверили нарушение, о котором вы сообщили в обращении № $reference. Оно не подтвердилось, поэтому ваши персональные данные разблокированы.",
        ),
        "kk": (
            "Деректерді бұғаттан шығару туралы хабарлама",
            "Құрметті $addressee!\n\n№ $reference өтінішіңізде хабарланған бұзушылықты тексердік. Ол расталмады, сондықтан сіздің дербес деректеріңіз бұғаттан шығарылды.",
        ),
    },
    "destroyed": {
        "en": (
            "Notice: your data is destroyed",
            "Dear $addressee,\n\nFollowing your request $reference we have destroyed your personal data. We keep only the record that your request was answered, as the law requires.",
        ),
        "ru": (
            "Уведомление об уничтожении данных",
            "Уважаемый(ая) $addressee!\n\nПо вашему обращению № $reference ваши персональные данные уничтожены. Мы храним лишь запись о том, что обращение рассмотрено, как того требует закон.",
        ),
        "kk": (
            "Деректерді жою туралы хабарлама",
            "Құрметті $addressee!\n\n№ $reference өтінішіңіз бойынша сіздің дербес деректеріңіз жойылды. Заң талап еткендей, біз тек өтініштің қаралғаны туралы жазбаны сақтаймыз.",
        ),
    },
    "claim_result": {
        "en": (
            "Result of the review of your claim",
            "Dear $addressee,\n\nWe have reviewed your pre-trial claim, reference $reference, received on $received.",
        ),
        "ru": (
            "Результат рассмотрения претензии",
            "Уважаемый(ая) $addressee!\n\nМы рассмотрели вашу досудебную претензию № $reference, полученную $received.",
        ),
        "kk": (
            "Талап-арызды қарау нәтижесі",
            "Құрметті $addressee!\n\nБіз сіздің $received қабылданған № $reference сотқа дейінгі талап-арызыңызды қарадық.",
        ),
    },
    "access_answer": {
        "en": (
            "Answer to your access request",
            "Dear $addressee,\n\nIn answer to your request $reference we confirm that $operator processes your personal data. "
            "Below you will find the purposes, legal grounds, sources and methods of processing, the data we hold, "
            "who has or may get access to it, cross-border transfers and storage periods.",
        ),
        "ru": (
            "Ответ на запрос о доступе к персональным данным",
            "Уважаемый(ая) $addressee!\n\nВ ответ на обращение № $reference подтверждаем, что $operator обрабатывает ваши персональные данные. "
            "Ниже указаны цели, правовые основания, источники и способы обработки, состав данных, кто имеет или может "
            "получить к ним доступ, трансграничная передача и сроки хранения.",
        ),
        "kk": (
            "Дербес деректерге қол жеткізу туралы сұрауға жауап",
            "Құрметті $addressee!\n\n№ $reference өтінішке жауап ретінде $operator сіздің дербес деректеріңізді өңдейтінін растаймыз. "
            "Төменде өңдеудің мақсаттары, құқықтық негіздері, дереккөздері мен тәсілдері, деректер құрамы, оларға кімнің "
            "қол жеткізе алатыны, трансшекаралық беру және сақтау мерзімдері көрсетілген.",
        ),
    },
    "no_data_held": {
        "en": (
            "Answer to your request: no personal data held",
            "Dear $addressee,\n\nWe have considered your request \u201c$kind\u201d, reference $reference, received on $received. "
            "We have checked our systems and records: $operator holds no personal data about the subject ($subject_name).\n\n"
            "This is our answer to your request, not a refusal: there is nothing to provide, change, block or destroy.",
        ),
        "ru": (
            "Ответ на обращение: персональные данные не обрабатываются",
            "Уважаемый(ая) $addressee!\n\nМы рассмотрели ваше обращение «$kind» № $reference, полученное $received. "
            "Мы проверили наши системы и записи: $operator не обрабатывает персональные данные субъекта ($subject_name).\n\n"
            "Это ответ на ваше обращение, а не отказ: предоставлять, изменять, блокировать или уничтожать нечего.",
        ),
        "kk": (
            "Өтінішке жауап: дербес деректер өңделмейді",
            "Құрметті $addressee!\n\nБіз сіздің $received қабылданған «$kind» № $reference өтінішіңізді қарадық. "
            "Жүйелеріміз бен жазбаларымызды тексердік: $operator субъектінің ($subject_name) дербес деректерін өңдемейді.\n\n"
            "Бұл бас тарту емес, өтінішіңізге берілген жауап: ұсынатын, өзгертетін, бұғаттайтын немесе жоятын ештеңе жоқ.",
        ),
    },
    "withdrawn": {
        "en": (
            "Notice: your request is closed",
            "Dear $addressee,\n\nYour request \u201c$kind\u201d, reference $reference, received on $received, has been closed as withdrawn.",
        ),
        "ru": (
            "Уведомление о закрытии обращения",
            "Уважаемый(ая) $addressee!\n\nВаше обращение «$kind» № $reference, полученное $received, закрыто как отозванное.",
        ),
        "kk": (
            "Өтініштің жабылғаны туралы хабарлама",
            "Құрметті $addressee!\n\n$received қабылданған «$kind» № $reference өтінішіңіз кері қайтарылған ретінде жабылды.",
        ),
    },
    "duplicate": {
        "en": (
            "Notice: your request repeats an earlier one",
            "Dear $addressee,\n\nYour request \u201c$kind\u201d, reference $reference, repeats request $original, which we are "
            "answering or have answered. We have closed $reference so that you get one answer: follow request $original for it.",
        ),
        "ru": (
            "Уведомление о повторном обращении",
            "Уважаемый(ая) $addressee!\n\nВаше обращение «$kind» № $reference повторяет обращение № $original, на которое мы "
            "отвечаем или уже ответили. Мы закрыли обращение № $reference, чтобы вы получили один ответ: следите за обращением № $original.",
        ),
        "kk": (
            "Қайталама өтініш туралы хабарлама",
            "Құрметті $addressee!\n\n«$kind» № $reference өтінішіңіз № $original өтінішін қайталайды, оған біз жауап беріп "
            "жатырмыз немесе жауап бердік. Бір жауап алуыңыз үшін № $reference өтінішін жаптық: № $original өтінішін қадағалаңыз.",
        ),
    },
    # Neutral: the requester never proved who they are, so nothing about any data is said.
    "expired": {
        "en": (
            "Notice: your request is closed",
            "Dear $addressee,\n\nRequest \u201c$kind\u201d, reference $reference, received on $received, was not confirmed "
            "within the time allowed and has been closed without being considered.\n\nIf you still wish to make it, "
            "you may send a new request at any time. If you did not make this request, no action is needed.",
        ),
        "ru": (
            "Уведомление о закрытии обращения",
            "Уважаемый(ая) $addressee!\n\nОбращение «$kind» № $reference, полученное $received, не было подтверждено "
            "в отведённый срок и закрыто без рассмотрения.\n\nЕсли вы по-прежнему хотите его подать, вы можете "
            "направить новое обращение в любое время. Если вы не подавали это обращение, ничего делать не нужно.",
        ),
        "kk": (
            "Өтініштің жабылғаны туралы хабарлама",
            "Құрметті $addressee!\n\n$received қабылданған «$kind» № $reference өтініші белгіленген мерзімде "
            "расталмады және қаралмастан жабылды.\n\nЕгер оны әлі де бергіңіз келсе, кез келген уақытта жаңа "
            "өтініш жібере аласыз. Егер бұл өтінішті сіз бермеген болсаңыз, ештеңе істеудің қажеті жоқ.",
        ),
    },
}

PLACEHOLDERS = (
    "reference",
    "received",
    "due",
    "subject_name",
    "addressee",
    "operator",
    "kind",
    "question",
    "reason",
    "new_due",
    "explanation",
    "original",
)


def default_text(kind: str, language: str) -> tuple[str, str]:
    texts = DEFAULTS[kind]
    return texts.get(language) or texts["ru"]


def fill(text: str, values: dict) -> str:
    """Substitute $placeholders; unknown ones stay as written. string.Template cannot reach
    attributes or run code, so operator staff can edit the texts safely."""
    return Template(text).safe_substitute({k: values.get(k, "") for k in PLACEHOLDERS})


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


_LAW = {"ru": "Закон РК № 94-V", "kk": "ҚР № 94-V Заңы"}
_CONTRACT = {"ru": "Договор / политика оператора", "kk": "Шарт / оператордың саясаты"}


def localise_basis(basis: str, language: str) -> str:
    """The stock bases are written in English ("Law No. 94-V, art. 13, art. 24(1)(2)"); say them in the
    letter's language. A basis staff typed themselves is left as it is."""
    if language == "en" or not basis:
        return basis
    if basis == "Contract / operator policy":
        return _CONTRACT[language]
    if not basis.startswith("Law No. 94-V"):
        return basis
    articles = re.findall(r"art\. ([0-9][0-9\-()]*)", basis)
    if language == "ru":
        return f"{_LAW['ru']}, " + ", ".join(f"ст. {a}" for a in articles)
    return f"{_LAW['kk']}, " + ", ".join(f"{a}-бап" for a in articles)
