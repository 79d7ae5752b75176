import csv
import io
import json
import zipfile

from dsar.models import Attachment, Event, LetterKind
from dsar.models.letters import AccessRecord, ProcessingActivity
from dsar.services.exports import export_create

from .helpers import KAZAKH_NAME, request_ready_for


def test_it_exports_the_register_and_records_as_json_and_csv_in_a_zip(operator):
    ProcessingActivity.objects.create(
        operator=operator,
        language="ru",
        name="Заказы",
        purposes="Договор",
        legal_grounds="Согласие",
        data_categories="Имя",
        sources="Субъект",
        storage_period="3 года",
    )
    request = request_ready_for(operator, LetterKind.ACCESS_ANSWER, language="ru")
    AccessRecord.objects.create(request=request, category="Телефон", content="+7 701 123 45 67", source="CRM")
    AccessRecord.objects.create(request=request, category="Note", content='=HYPERLINK("http://x")')

    attachment = export_create(request=request)

    assert attachment.purpose == Attachment.Purpose.EXPORT and attachment.content_type == "application/zip"
    zf = zipfile.ZipFile(attachment.file.open("rb"))
    assert sorted(zf.namelist()) == ["export.json", "processing.csv", "records.csv", "subject.csv"]
    payload = json.loads(zf.read("export.json"))
    assert payload["subject"]["name"] == KAZAKH_NAME
    assert payload["request"]["reference"] == request.reference
    assert payload["processing"][0]["purposes"] == "Договор"
    rows = list(csv.DictReader(io.StringIO(zf.read("records.csv").decode("utf-8-sig"))))
    # A spreadsheet must not run a cell as a formula (OWASP CSV injection): CSV cells that start
    # with = + - @ get a leading quote; the JSON keeps the exact value.
    assert rows[0]["content"] == "'+7 701 123 45 67"
    assert rows[1]["content"] == '\'=HYPERLINK("http://x")'
    assert [r["content"] for r in payload["records"]] == ["+7 701 123 45 67", '=HYPERLINK("http://x")']
    event = Event.objects.get(request=request, action="export_created")
    assert event.data == {"attachment": attachment.pk, "sha256": attachment.sha256}
