"""QR codes for printed handouts (segno: pure Python, inline SVG, no external requests)."""

from __future__ import annotations

import io

import segno
from markupsafe import Markup


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code for a URL, sized by CSS, labelled for screen readers."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        scale=3,
        border=2,
        xmldecl=False,
        svgns=True,
        title=f"QR-code: {url}",
        svgclass="qr",
        nl=False,
    )
    return Markup(buffer.getvalue().decode())  # noqa: S704 - segno escapes the title
