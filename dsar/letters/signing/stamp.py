"""The visible stamp: who signed, the certificate's serial number and the time, in the letter's language.

pyHanko's own text stamps need HarfBuzz for a TrueType font (not installed), and its built-in
fonts have no Cyrillic. So the stamp is a tiny PDF page that WeasyPrint sets in DejaVu Sans,
the letter's own font, and pyHanko draws it as the signature field's appearance.

Where it goes: the last page, right-hand side of the bottom margin, above the page footer
(letter.css keeps that band free). Points, origin bottom-left of an A4 page.
"""

from __future__ import annotations

import binascii
import functools
import io
import uuid
from datetime import datetime

from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

MM = 72 / 25.4
WIDTH_MM, HEIGHT_MM = 92, 19
# x1, y1, x2, y2 on the page: 18 mm right margin, 12 mm above the bottom edge.
BOX = (
    round(595.28 - 18 * MM - WIDTH_MM * MM, 2),
    round(12 * MM, 2),
    round(595.28 - 18 * MM, 2),
    round((12 + HEIGHT_MM) * MM, 2),
)

_CSS = f"""
@page {{ size: {WIDTH_MM}mm {HEIGHT_MM}mm; margin: 0; }}
html {{ font-family: "DejaVu Sans", sans-serif; font-size: 6.2pt; line-height: 1.25; color: #1f4e79; }}
body {{ margin: 0; }}
.box {{ border: 0.8pt solid #1f4e79; border-radius: 1.5mm; height: {HEIGHT_MM - 1.2}mm; padding: 1.2mm 2mm;
        box-sizing: border-box; overflow: hidden; }}
.head {{ font-weight: bold; }}
"""


def stamp_lines(*, language: str, signer: str, serial: str, when: datetime, tz) -> list[str]:
    with translation.override(language):
        return [
            _("Signed with an electronic digital signature"),
            _("Signer: %(signer)s") % {"signer": signer},
            _("Certificate No. %(serial)s") % {"serial": serial},
            # To the minute: the exact time is inside the signature; the stamp of letters signed in
            # the same minute is then drawn once (stamp_pdf's cache).
            _("Signed at %(time)s") % {"time": timezone.localtime(when, tz).strftime("%d.%m.%Y %H:%M (UTC%z)")},
        ]


@functools.lru_cache(maxsize=1)
def _stylesheet():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return CSS(string=_CSS, font_config=fonts), fonts


@functools.lru_cache(maxsize=32)
def _stamp_pdf(lines: tuple[str, ...]) -> bytes:
    """One small page holding the stamp's text."""
    from weasyprint import HTML

    from ..rendering import url_fetcher

    head, *rest = lines
    html = (
        '<html><body><div class="box"><div class="head">'
        + escape(head)
        + "</div>"
        + "".join(f"<div>{escape(line)}</div>" for line in rest)
        + "</div></body></html>"
    )
    css, fonts = _stylesheet()
    return HTML(string=html, url_fetcher=url_fetcher()).write_pdf(stylesheets=[css], font_config=fonts)


def stamp_pdf(lines: list[str]) -> bytes:
    return _stamp_pdf(tuple(lines))


def stamp_style(lines: list[str]):
    """A pyHanko stamp style that draws the stamp page, scaled to the field."""
    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.pdf_utils.layout import BoxConstraints
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.stamp import StaticStampStyle

    data = stamp_pdf(lines)

    class _StampPage(PdfContent):
        # pyHanko's ImportedPdfPage reads a file by name; this reads the bytes in memory.
        def render(self) -> bytes:
            xobj = self._ensure_writer.import_page_as_xobject(PdfFileReader(io.BytesIO(data)), page_ix=0)
            name = "/Stamp" + binascii.hexlify(uuid.uuid4().bytes).decode()
            self.resources.xobject[name] = xobj
            x1, y1, x2, y2 = xobj.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
            return name.encode() + b" Do"

    return StaticStampStyle(background=_StampPage(), border_width=0, background_opacity=1.0)
