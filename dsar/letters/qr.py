"""QR codes for the verification link, embedded in the letter as an SVG data URI (no files, no network)."""

import base64

import segno


def qr_data_uri(text: str) -> str:
    svg = segno.make(text, error="m").svg_inline(scale=3, border=1, dark="#000", light="#fff", omitsize=False)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
