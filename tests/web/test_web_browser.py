"""The web app in a real browser (Playwright driving Debian's headless chromium) with the real
embedded models: upload the example paper and lecture, write a short report with the small
model, read it, open a citation's passage, download the DOCX; screenshots are checked."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from appserver import serving
from conftest import ALCE, LECTURE_SRT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ASSIGNMENT = ("Write a 200-300 word report on the ALCE paper with sections (1) Summary "
              "(2) Key techniques; cite sources.")

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install playwright)")
if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
    pytest.skip(f"{CHROMIUM} is missing (scripts/install.sh --test installs Debian's chromium)",
                allow_module_level=True)


@pytest.fixture
def server(tmp_path):
    """``docent.web`` served by uvicorn in a child process with the default (real) models.

    The report is validated but not repaired (``DOCENT_REPAIR_ROUNDS=0``): on two shared cores
    a repair round adds ten minutes, and repairing is tested in tests/write.
    """
    with serving(tmp_path / "projects", tmp_path, env={"DOCENT_REPAIR_ROUNDS": "0"}) as url:
        yield url


def check_screenshot(path: Path) -> None:
    """A real PNG of some size that is not a blank page."""
    import pymupdf

    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000, path
    pix = pymupdf.Pixmap(str(path))
    assert pix.width >= 800 and pix.height >= 500
    samples, n = pix.samples, pix.n
    pixels = [bytes(samples[i:i + 3]) for i in range(0, len(samples), n * 7)]  # every 7th
    colours = set(pixels)
    non_white = sum(1 for p in pixels if min(p) < 235)
    assert len(colours) > 30, f"{path}: only {len(colours)} colours"
    assert non_white / len(pixels) > 0.03, f"{path}: almost blank"


def test_write_a_report_in_the_browser(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server)
        expect(page.locator("#welcome")).to_be_visible()

        page.fill("#project-name", "ALCE 阅读报告")
        page.click("#create-project")
        expect(page.locator("#project-view")).to_be_visible()
        expect(page.locator("#project-title")).to_have_text("ALCE 阅读报告")

        page.set_input_files("#upload-input", [str(ALCE), str(LECTURE_SRT)])
        page.click("#upload-button")
        rows = page.locator("#sources-table tbody tr")
        expect(rows).to_have_count(2, timeout=600_000)  # embedding with the real model
        expect(page.locator("#sources-table")).to_contain_text("alce-2305.14627.pdf")
        expect(page.locator("#sources-table")).to_contain_text("lets-build-gpt.srt")

        page.fill("#assignment", ASSIGNMENT)
        page.check("#fast")
        page.click("#start-run")
        expect(page.locator("#run-view")).to_be_visible()
        expect(page.locator("#run-sections li")).to_have_count(2)
        expect(page.locator("#run-sections li.done").first).to_be_visible(timeout=600_000)
        page.screenshot(path=str(shots / "progress.png"), full_page=True)
        page.reload()  # a reload finds the run where it is
        expect(page.locator("#run-view")).to_be_visible()
        expect(page.locator("#run-title")).to_have_text(ASSIGNMENT)

        expect(page.locator("#result-panel")).to_be_visible(timeout=900_000)
        expect(page.locator("#run-status")).to_have_text("done")
        expect(page.locator("#run-error")).to_be_hidden()
        expect(page.locator("#validation-box")).to_contain_text("cited sentences")
        expect(page.locator("#validation-box")).to_contain_text("verified")
        # the run's review view is one click away
        assert page.locator("#review-link").get_attribute("href").startswith("/review#/p/")

        report = page.frame_locator("#report-frame")
        expect(report.locator("#validation-summary")).to_be_attached(timeout=30_000)
        expect(report.locator("h2", has_text="Summary")).to_be_visible()
        cite = report.locator("a.cite").first
        cite.scroll_into_view_if_needed()
        cite.click()
        popup = report.locator("#passage-popup")
        expect(popup).to_be_visible()
        passage = report.locator("#passage-popup-text").inner_text()
        assert len(passage.split()) >= 10, passage
        page.locator("#report-frame").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "report-popup.png"))
        report.locator("#passage-popup-close").click()
        expect(popup).to_be_hidden()

        with page.expect_download() as info:
            page.click("#dl-docx")
        docx_path = tmp_path / "report.docx"
        info.value.save_as(docx_path)
        assert info.value.suggested_filename.endswith(".docx")
        browser.close()
    assert not errors, errors

    import docx

    document = docx.Document(str(docx_path))
    text = "\n".join(par.text for par in document.paragraphs)
    assert "Summary" in text and "Key techniques" in text and "[1]" in text
    for name in ("progress.png", "report-popup.png"):
        check_screenshot(shots / name)
    keep = os.environ.get("DOCENT_TEST_SCREENSHOTS")
    if keep:  # e.g. to look at them after the run
        shutil.copytree(shots, keep, dirs_exist_ok=True)
