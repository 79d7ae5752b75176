"""Plain-text e-mails and SMS are never HTML-escaped; the HTML part still is."""

import pytest

from dsar.services.notifications import render_email

NASTY = 'ТОО "Qarat & Co" <Ltd> it\'s'
URL = "http://127.0.0.1:8000/ru/r/abc/?a=1&b=2"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_it_keeps_quotes_ampersands_and_angle_brackets_in_the_text_part(language):
    context = {"operator_name": NASTY, "reference": "QRT-2026-000001", "update": "letter", "status_url": URL}
    subject, text, html = render_email(template="portal_update", context=context, language=language)
    assert NASTY in text and URL in text
    assert "&quot;" not in text and "&amp;" not in text and "&lt;" not in text and "&#x27;" not in text
    assert "&quot;" not in subject and "&amp;" not in subject
    assert NASTY not in html and "Qarat &amp; Co" in html


def test_it_renders_every_text_template_unescaped(settings):
    """Every text template of every e-mail, with every variable set to a string full of HTML specials."""
    import re
    from pathlib import Path

    from dsar.plaintext import render_plain

    folder = Path(settings.BASE_DIR) / "templates" / "dsar" / "emails"
    for path in sorted(folder.glob("*.txt")):
        source = path.read_text()
        names = set(re.findall(r"{{\s*([a-z_]+)", source)) | set(re.findall(r"\w=([a-z_]+)", source))
        names |= set(re.findall(r"{%\s*(?:if|elif|for \w+ in)\s+([a-z_]+)", source))
        names |= set(re.findall(r"\|\w+:([a-z_]+)", source))
        context = {name: NASTY for name in names}
        context.update({name: 2 for name in re.findall(r"count \w+=([a-z_]+)", source)})
        out = render_plain(f"dsar/emails/{path.name}", context)
        assert "&quot;" not in out and "&amp;" not in out and "&lt;" not in out, path.name
