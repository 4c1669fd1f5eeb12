"""A briefing PDF's page count and a PNG of its first page, for the index's cards.

Made by the worker right after the PDF is written, inside the briefing's staging folder, so the
thumbnail is swapped into ``--out`` with the rest of the briefing (never half-written, owned as
part of the briefing's folder) and the page count travels back in the worker's result to the
manifest: a rebuild with nothing changed reads neither the PDF nor PDFium again.

PDFium (through pypdfium2) is not thread-safe, and a Dask worker may render briefings on several
threads: every call into it holds one lock per process.
"""

from __future__ import annotations

import threading
from pathlib import Path

#: Width in pixels of the first-page thumbnail: the index shows it 8rem (128 CSS px) wide, so
#: this is sharp on a screen of twice the density.
THUMBNAIL_WIDTH = 280

_PDFIUM = threading.Lock()


def thumbnail_name(stem: str) -> str:
    return f"{stem}-page1.png"


def summarise_pdf(pdf: Path, png: Path, width: int = THUMBNAIL_WIDTH) -> int:
    """Write ``png``, the first page of ``pdf`` rendered ``width`` pixels wide on white; returns the
    PDF's page count."""
    import pypdfium2

    with _PDFIUM:
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            pages = len(document)
            page = document[0]
            try:
                bitmap = page.render(scale=width / page.get_width(), fill_color=(255, 255, 255, 255))
                image = bitmap.to_pil().convert("RGB")  # a copy: the bitmap's buffer is freed below
                bitmap.close()
            finally:
                page.close()
        finally:
            document.close()
    image.save(png, format="PNG", optimize=True)
    return pages
