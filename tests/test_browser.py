"""The half-year report in a real browser (Debian's headless chromium), network cut off."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
STOCK_ALT = "No description has been provided for this image"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium saknas: installera Debians paket 'chromium' (.ci/run gör det)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.mark.parametrize("name", ["halvarsrapport.html", "datakvalitet.html"])
def test_report_reads_offline_without_errors(browser, demo_runs, name):
    """Offline, the page makes no external request, logs no error, loads every image with a real
    alt text, and needs no sideways scrolling at 1280 px. A screenshot is saved for people."""
    page_file = demo_runs["2024H1"] / name
    context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    external: list[str] = []
    errors: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "about:")):
            r.continue_()
        else:
            external.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri(), wait_until="load")

    assert external == []
    assert errors == []
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => ({ok: e.complete && e.naturalWidth > 0, alt: e.alt}))"
    )
    if name == "halvarsrapport.html":
        assert len(images) >= 6  # month, gender, organisation type, municipality, map, targets
    for img in images:
        assert img["ok"], "an image did not load"
        assert img["alt"] and img["alt"] != STOCK_ALT and len(img["alt"]) > 30, img["alt"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"sideways scrolling: the page is {width} px wide"

    shots = ROOT / "reports" / "skarmbilder"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / name.replace(".html", ".png")), full_page=True)
    assert (shots / name.replace(".html", ".png")).stat().st_size > 10_000
    context.close()


def _pdf_pages(pdf: bytes) -> list[bytes]:
    """The drawing operators of each page of a PDF that chromium (Skia) wrote."""
    import re
    import zlib

    objects = {int(m[1]): m[2] for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.S)}
    pages = []
    for body in objects.values():
        if not re.search(rb"/Type /Page\b(?!s)", body):
            continue
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", body)
        operators = b""
        for number in re.findall(rb"(\d+) 0 R", contents[1] if contents else b""):
            stream = objects[int(number)]
            data = re.search(rb"stream\r?\n(.*?)\r?\nendstream", stream, re.S)[1]
            operators += zlib.decompress(data) if b"FlateDecode" in stream else data
        pages.append(operators)
    return pages


@pytest.mark.parametrize("period", ["2024H1", "2024H2"])
def test_the_printed_report_has_no_blank_page(browser, demo_runs, period):
    """Printed to A4 as a reviewer does, every page shows text or a chart: no empty page
    after the title page or before a section that starts on a new page."""
    import re

    page = browser.new_page()
    page.goto((demo_runs[period] / "halvarsrapport.html").as_uri(), wait_until="load")
    pages = _pdf_pages(page.pdf(format="A4", prefer_css_page_size=True))
    page.close()
    assert len(pages) > 5
    blank = [n for n, ops in enumerate(pages, 1) if not re.search(rb"\bT[jJ]\b|\bDo\b", ops)]
    assert blank == [], f"{period}: blank printed pages {blank} of {len(pages)}"


@pytest.mark.parametrize("period", ["2024H1", "2024H2"])
def test_printed_tables_and_charts_fit_the_page_width(browser, demo_runs, period):
    """On A4 (178 mm between the margins) no table or chart is wider than the page: nothing
    scrolls on paper, so a wider table lost its last column ('Plats' in the planned table)."""
    page = browser.new_page(viewport={"width": 672, "height": 950})
    page.goto((demo_runs[period] / "halvarsrapport.html").as_uri(), wait_until="load")
    page.emulate_media(media="print")
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll('table, img, figure')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                      || e.scrollWidth > e.clientWidth + 1)
            .map(e => e.tagName + ': ' + (e.innerText || e.alt || '').slice(0, 60))"""
    )
    page.close()
    assert too_wide == [], f"{period}: wider than the printed page: {too_wide}"
