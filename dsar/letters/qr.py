"""QR codes for the verification link, embedded in the letter as a data URI (no files, no network).

PNG, not SVG: WeasyPrint draws an SVG QR module by module, which took about a third of a letter's
render time; a small 1-bit PNG scaled with crisp edges prints the same.
"""

import base64
import io

import segno


def qr_data_uri(text: str) -> str:
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=4, border=2)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
