"""HTML to PDF with WeasyPrint. Pure: the frozen letter context in, PDF bytes out."""

import logging
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from .qr import qr_data_uri
from .texts import LABELS

# WeasyPrint logs every layout step at INFO; at hundreds of letters a minute that is noise and time.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def verification_url(*, code: str, language: str) -> str:
    base = settings.DSAR_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}/{language}/verify/?code={code}"


def short_code(code: str) -> str:
    """ABCD-EFGH-JKLM: easier to type from paper."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@lru_cache(maxsize=1)
def _stylesheet():
    # Parsing the CSS and loading fonts is most of a cold render; keep them for the process.
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = render_to_string("dsar/letters/letter.css")
    return CSS(string=css, font_config=fonts), fonts


def css_string(text: str) -> str:
    """A quoted CSS string; anything but plain letters and digits is escaped (\\hex ), so no text can
    close the string or the rule."""
    return '"' + "".join(ch if ch.isalnum() or ch in " .,:/" else f"\\{ord(ch):x} " for ch in text) + '"'


def letter_html(*, context: dict, number: str, code: str) -> str:
    language = context["language"]
    url = verification_url(code=code, language=language)
    with translation.override(language):
        return render_to_string(
            "dsar/letters/letter.html",
            {
                **context,
                "L": LABELS[language],
                "number": number,
                "short_code": short_code(code),
                "verify_url": url,
                "verify_base": url.split("?")[0],
                "qr": qr_data_uri(url),
                "css_footer": mark_safe(css_string(f"{number} · {LABELS[language]['code']} {short_code(code)}")),
                "css_page": mark_safe(css_string(LABELS[language]["page"] + " ")),
                "css_of": mark_safe(css_string(" " + LABELS[language]["of"] + " ")),
            },
        )


@lru_cache(maxsize=1)
def url_fetcher():
    # Letters embed everything (the QR is a data URI); refusing other schemes means no text that
    # slipped into the HTML can make the worker read local files or call out to the network.
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, timeout=1)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    css, fonts = _stylesheet()
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=url_fetcher())
    return document.write_pdf(stylesheets=[css], font_config=fonts)


def letter_pdf(*, context: dict, number: str, code: str) -> bytes:
    return html_to_pdf(letter_html(context=context, number=number, code=code))
