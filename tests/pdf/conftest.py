"""Generated page PDFs, made once per session (never committed)."""

from __future__ import annotations

import pytest

from tests.services import require_module

require_module("pypdfium2", "the PDF path needs the optional extra `pdf` (pypdfium2)")
require_module("reportlab", "the generated test pages need reportlab (in the `dev` extra)")


@pytest.fixture(scope="session")
def corpus_pages():  # type: ignore[no-untyped-def]
    from tests.pdf.pages import corpus_pages as make

    return make()


@pytest.fixture(scope="session")
def scanned_pdf() -> bytes:
    from tests.pdf.pages import scanned_page

    return scanned_page()
