"""The five seed operators' processing registers, taken from their policies in /work/shared/policies/.

English and Russian entries; a Kazakh letter falls back to the Russian register (letters.selectors.register_for).
"""

from ..models import Operator
from ..models.letters import ProcessingActivity

KZ_LAW = "Law of the Republic of Kazakhstan No. 94-V"
KZ_LAW_RU = "Закон Республики Казахстан № 94-V"

REGISTERS = {
    "qazeta": {
        "en": [
            dict(
                name="Travel services in the QazETA app",
                purposes="Identifying the user; verifying data to deliver digital and communication services; preparing travel forms to Kazakhstan; activating eSIM; notifications in emergency or technical cases.",
                legal_grounds=f"Consent of the user (art. 7, 8 of {KZ_LAW}).",
                data_categories="ID document details (number, validity, scan/photo); photo; phone, e-mail, residential address; KYC data; travel information; health information where a service needs it; prior travel history.",
                sources="The user, through the application.",
                methods="Automated, in the application and its servers; secure encrypted channels.",
                recipients="Licensed telecom and digital service providers (Kazakhstan); partner organisations for visa and migration support; authorised state bodies of Kazakhstan where the law requires; payment providers (PCI DSS).",
                cross_border="To the Astana International Financial Centre and partner jurisdictions, only for specific services on the user's request.",
                storage_period="As long as necessary for the purposes, within statutory periods of Kazakhstan; then deleted or anonymised.",
            ),
            dict(
                name="Technical operation of the app",
                purposes="Proper operation of the application, diagnostics and security.",
                legal_grounds=f"Consent of the user; the operator's duty to protect data (art. 22 of {KZ_LAW}).",
                data_categories="Interface activity, timestamps, device model and OS, IP address, device IDs, crash and diagnostic logs; geolocation and camera only with permission.",
                sources="Collected automatically by the application.",
                methods="Automated.",
                recipients="No third parties.",
                cross_border="None.",
                storage_period="As long as necessary for the purposes; then deleted or anonymised.",
            ),
        ],
        "ru": [
            dict(
                name="Туристические услуги в приложении QazETA",
                purposes="Идентификация пользователя; проверка данных для оказания цифровых и коммуникационных услуг; подготовка анкет для поездки в Казахстан; активация eSIM; уведомления в экстренных и технических случаях.",
                legal_grounds=f"Согласие пользователя (ст. 7, 8 {KZ_LAW_RU}).",
                data_categories="Данные документа, удостоверяющего личность (номер, срок действия, скан/фото); фотография; телефон, e-mail, адрес проживания; данные KYC; сведения о поездке; сведения о здоровье, если их требует услуга; история поездок.",
                sources="Пользователь через приложение.",
                methods="Автоматизированная обработка в приложении и на его серверах; защищённые шифрованные каналы.",
                recipients="Лицензированные операторы связи и цифровых услуг (Казахстан); партнёры по визовой и миграционной поддержке; уполномоченные государственные органы РК в случаях, предусмотренных законом; платёжные провайдеры (PCI DSS).",
                cross_border="В Международный финансовый центр «Астана» и юрисдикции партнёров — только для отдельных услуг по запросу пользователя.",
                storage_period="Пока это необходимо для целей обработки, в пределах установленных в РК сроков; затем данные удаляются или обезличиваются.",
            ),
            dict(
                name="Техническая работа приложения",
                purposes="Корректная работа приложения, диагностика и безопасность.",
                legal_grounds=f"Согласие пользователя; обязанность оператора защищать данные (ст. 22 {KZ_LAW_RU}).",
                data_categories="Действия в интерфейсе, время использования, модель устройства и ОС, IP-адрес, идентификаторы устройства, журналы сбоев; геолокация и камера — только с разрешения.",
                sources="Собираются приложением автоматически.",
                methods="Автоматизированная обработка.",
                recipients="Третьим лицам не передаются.",
                cross_border="Нет.",
                storage_period="Пока это необходимо для целей обработки; затем удаляются или обезличиваются.",
            ),
        ],
    },
    "qazaq-esim": {
        "en": [
            dict(
                name="eSIM orders",
                purposes="Identifying the buyer and concluding the remote sales agreement; delivering the eSIM profile (QR code) by e-mail; technical support; fraud prevention and payment checks.",
                legal_grounds=f"Consent of the user and performance of the contract ({KZ_LAW}, art. 7, 8).",
                data_categories="Name; e-mail address; phone number; order details.",
                sources="The user, through the order form on qazaq-esim.com.",
                methods="With and without automation tools.",
                recipients="International telecom operators and telecommunication platforms (eSIM activation); authorised state bodies of Kazakhstan on legal grounds.",
                cross_border="Yes: to international telecom operators, only for activating the eSIM and internet traffic abroad.",
                storage_period="Without a time limit while the purposes last (policy 5.1), until the user asks to block or delete the data.",
            ),
            dict(
                name="Newsletters and website analytics",
                purposes="Newsletters and service updates (at most once a day; unsubscribe at any time); website performance.",
                legal_grounds="Consent of the user.",
                data_categories="E-mail address; IP address, device type, cookies, browser, access time and referrer.",
                sources="The user; collected automatically on the website.",
                methods="Automated.",
                recipients="E-mail delivery and hosting providers.",
                cross_border="None planned.",
                storage_period="Until the user unsubscribes or asks for deletion.",
            ),
        ],
        "ru": [
            dict(
                name="Заказы eSIM",
                purposes="Идентификация покупателя и заключение дистанционного договора; доставка профиля eSIM (QR-код) по e-mail; техническая поддержка; предотвращение мошенничества и проверка платежей.",
                legal_grounds=f"Согласие пользователя и исполнение договора ({KZ_LAW_RU}, ст. 7, 8).",
                data_categories="Имя; адрес e-mail; номер телефона; сведения о заказе.",
                sources="Пользователь через форму заказа на qazaq-esim.com.",
                methods="С использованием и без использования средств автоматизации.",
                recipients="Международные операторы связи и телекоммуникационные платформы (активация eSIM); уполномоченные государственные органы РК по основаниям, установленным законом.",
                cross_border="Да: международным операторам связи — только для активации eSIM и интернет-трафика за рубежом.",
                storage_period="Без ограничения срока, пока сохраняются цели (п. 5.1 политики), до требования пользователя о блокировании или удалении.",
            ),
            dict(
                name="Рассылки и аналитика сайта",
                purposes="Рассылки и новости сервиса (не чаще раза в день; отписка в любой момент); работа сайта.",
                legal_grounds="Согласие пользователя.",
                data_categories="Адрес e-mail; IP-адрес, тип устройства, cookies, браузер, время доступа и реферер.",
                sources="Пользователь; собираются на сайте автоматически.",
                methods="Автоматизированная обработка.",
                recipients="Провайдеры e-mail рассылок и хостинга.",
                cross_border="Не планируется.",
                storage_period="До отписки или требования об удалении.",
            ),
        ],
    },
    "digital-kazakhstan": {
        "en": [
            dict(
                name="Enquiries and correspondence",
                purposes="Responding to enquiries and ongoing correspondence.",
                legal_grounds=f"Consent of the subject (art. 8 of {KZ_LAW}).",
                data_categories="Name, e-mail, company, message.",
                sources="The subject, through the contact form or e-mail.",
                methods="Automated and manual.",
                recipients="Processors: e-mail provider and hosting, under confidentiality agreements. Servers in Kazakhstan.",
                cross_border="Only to countries with adequate protection or with separate consent (art. 16).",
                storage_period="Up to 3 years from the last contact.",
            ),
            dict(
                name="Accreditation and members directory",
                purposes="Accreditation and publication in the members directory; accounting.",
                legal_grounds="Consent and the association's statutory mission; the Tax Code for accounting records.",
                data_categories="Company BIN, name, region, contact person, business description; payment records.",
                sources="The applicant.",
                methods="Automated and manual.",
                recipients="Processors: payment gateway, hosting. Servers in Kazakhstan.",
                cross_border="None.",
                storage_period="Member profiles: membership plus 1 year; accounting records: 5 years.",
            ),
            dict(
                name="Site operation and security",
                purposes="Operational and security maintenance of the site; abuse protection.",
                legal_grounds="The operator's legitimate interest.",
                data_categories="IP address, browser User-Agent, referrer, request timestamps; functional cookies.",
                sources="Collected automatically.",
                methods="Automated.",
                recipients="Hosting provider in Kazakhstan.",
                cross_border="None.",
                storage_period="Web-server logs: 90 days.",
            ),
        ],
        "ru": [
            dict(
                name="Обращения и переписка",
                purposes="Ответы на обращения и ведение переписки.",
                legal_grounds=f"Согласие субъекта (ст. 8 {KZ_LAW_RU}).",
                data_categories="Имя, e-mail, компания, текст сообщения.",
                sources="Субъект через форму обратной связи или e-mail.",
                methods="Автоматизированная и неавтоматизированная обработка.",
                recipients="Обработчики: почтовый провайдер и хостинг по соглашениям о конфиденциальности. Серверы в Казахстане.",
                cross_border="Только в страны с надлежащей защитой или с отдельного согласия (ст. 16).",
                storage_period="До 3 лет с последнего контакта.",
            ),
            dict(
                name="Аккредитация и реестр участников",
                purposes="Аккредитация и публикация в реестре участников; бухгалтерский учёт.",
                legal_grounds="Согласие и уставная цель объединения; Налоговый кодекс — для учётных документов.",
                data_categories="БИН, наименование, регион, контактное лицо, описание деятельности; платёжные документы.",
                sources="Заявитель.",
                methods="Автоматизированная и неавтоматизированная обработка.",
                recipients="Обработчики: платёжный шлюз, хостинг. Серверы в Казахстане.",
                cross_border="Нет.",
                storage_period="Профили участников — срок членства плюс 1 год; бухгалтерские документы — 5 лет.",
            ),
            dict(
                name="Работа и безопасность сайта",
                purposes="Техническая поддержка и безопасность сайта; защита от злоупотреблений.",
                legal_grounds="Законный интерес оператора.",
                data_categories="IP-адрес, User-Agent браузера, реферер, время запросов; функциональные cookies.",
                sources="Собираются автоматически.",
                methods="Автоматизированная обработка.",
                recipients="Хостинг-провайдер в Казахстане.",
                cross_border="Нет.",
                storage_period="Журналы веб-сервера — 90 дней.",
            ),
        ],
    },
    "qarat": {
        "en": [
            dict(
                name="Feedback-form inquiries",
                purposes="Processing the inquiry; calling back to answer and clarify details; keeping records of inquiries and their status.",
                legal_grounds=f"Consent given by ticking the box on the form (art. 8 of {KZ_LAW}).",
                data_categories="Name; phone number; message text if given.",
                sources="The user, through the feedback form.",
                methods="Automated and manual, in the operator's database.",
                recipients="Hosting and infrastructure (VPS) provider ps.kz, Kazakhstan.",
                cross_border="None for form data.",
                storage_period="Until the purposes are achieved, no longer than 3 years from the date of the inquiry.",
            ),
            dict(
                name="Web analytics",
                purposes="Analysing traffic and improving the website.",
                legal_grounds="Consent of the user.",
                data_categories="Cookie identifiers, device and browser data, actions on pages (no form contents).",
                sources="Collected automatically on the website.",
                methods="Automated.",
                recipients="Yandex.Metrika (Yandex LLC).",
                cross_border="Technical data may be transferred abroad through the analytics service, under the conditions of Kazakh law.",
                storage_period="Per the analytics service's settings; no longer than 3 years.",
            ),
        ],
        "ru": [
            dict(
                name="Обращения через форму обратной связи",
                purposes="Обработка обращения; обратный звонок для ответа и уточнения деталей; учёт обращений и их статуса.",
                legal_grounds=f"Согласие, выраженное отметкой в форме (ст. 8 {KZ_LAW_RU}).",
                data_categories="Имя; номер телефона; текст сообщения, если указан.",
                sources="Пользователь через форму обратной связи.",
                methods="Автоматизированная и неавтоматизированная обработка в базе данных оператора.",
                recipients="Провайдер хостинга и инфраструктуры (VPS) ps.kz, Казахстан.",
                cross_border="Для данных формы — нет.",
                storage_period="До достижения целей, но не более 3 лет с даты обращения.",
            ),
            dict(
                name="Веб-аналитика",
                purposes="Анализ посещаемости и улучшение сайта.",
                legal_grounds="Согласие пользователя.",
                data_categories="Идентификаторы cookies, данные устройства и браузера, действия на страницах (без содержимого форм).",
                sources="Собираются на сайте автоматически.",
                methods="Автоматизированная обработка.",
                recipients="Яндекс.Метрика (ООО «Яндекс»).",
                cross_border="Технические данные могут передаваться за рубеж через сервис аналитики с соблюдением законодательства РК.",
                storage_period="По настройкам сервиса аналитики; не более 3 лет.",
            ),
        ],
    },
    "qaztracker": {
        "en": [
            dict(
                name="User accounts and tours",
                purposes="Registering the account; identifying the user; syncing data with partner companies when booking tours; support; communication; fraud prevention.",
                legal_grounds=f"Consent of the user and the user agreement ({KZ_LAW}).",
                data_categories="Name, phone number, e-mail; account and booking data; publications in the app.",
                sources="The user, at registration and while using the app.",
                methods="Collection, recording, systematisation, storage, use, transfer, blocking, deletion; automated.",
                recipients="Partners helping to run the app (maintenance, database management, processing); payment providers and banks; public bodies on a lawful request; lawyers and auditors.",
                cross_border="None planned: data is kept on servers in Kazakhstan.",
                storage_period="While the account exists; deleted when the account is deleted, except data the law requires to keep.",
            ),
        ],
        "ru": [
            dict(
                name="Аккаунты пользователей и туры",
                purposes="Регистрация аккаунта; идентификация пользователя; синхронизация данных с партнёрами при оформлении туров; поддержка; связь; борьба с мошенничеством.",
                legal_grounds=f"Согласие пользователя и пользовательское соглашение ({KZ_LAW_RU}).",
                data_categories="Имя, номер телефона, e-mail; данные аккаунта и бронирований; публикации в приложении.",
                sources="Пользователь при регистрации и использовании приложения.",
                methods="Сбор, запись, систематизация, хранение, использование, передача, блокирование, удаление; автоматизированная обработка.",
                recipients="Партнёры, обеспечивающие работу приложения (обслуживание, управление базами данных, процессинг); платёжные системы и банки; государственные органы по надлежащему запросу; юристы и аудиторы.",
                cross_border="Не планируется: данные хранятся на серверах в Казахстане.",
                storage_period="Пока существует аккаунт; при удалении аккаунта данные удаляются, кроме тех, хранение которых требует закон.",
            ),
        ],
    },
}


def load_register(operators=None) -> int:
    """Fill each seed operator's register once; an operator that already has one is left alone."""
    operators = operators or Operator.objects.filter(slug__in=REGISTERS)
    created = 0
    for operator in operators:
        entries = REGISTERS.get(operator.slug)
        if not entries or ProcessingActivity.objects.filter(operator=operator).exists():
            continue
        for language, rows in entries.items():
            for order, row in enumerate(rows, start=1):
                ProcessingActivity.objects.create(operator=operator, language=language, order=order, **row)
                created += 1
    return created
