"""The review view in a real browser (Playwright, Debian's chromium): a whole checked report
(the shared chatbot report on the word2vec paper) reviewed with the keyboard alone, every
decision kept across a reload, a rewrite in the corrected report, two tabs on one run, the
PDF page with its evidence, at 1280x800; and the review API's answers to bad requests."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest
from appserver import serving
from conftest import WORD2VEC, HashEmbedder

from docent.check import validate
from docent.config import Settings
from docent.ingest import ingest
from docent.review import save_check_run
from docent.web.projects import Projects

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
REPORT = CORPUS / "reports" / "chatbot-report-w2v.md"

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (pip install playwright)")
if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
    pytest.skip(f"{CHROMIUM} is missing (scripts/install.sh --test installs Debian's chromium)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A project holding a check run of the shared chatbot report, served by uvicorn."""
    root = tmp_path_factory.mktemp("review") / "projects"
    project = Projects(root).create("word2vec review")
    settings = project.settings(Settings(embedder="hash"))
    with project.open_store() as store:
        ingest([WORD2VEC], store, settings, HashEmbedder())
        text = REPORT.read_text(encoding="utf-8")
        validation = validate(text, store, None, embedder=HashEmbedder())
        run_id = save_check_run(store, REPORT, text, validation)
    with serving(root, root.parent, settings="embedder='none'") as url:
        yield url, project.slug, run_id, root.parent


def _wait_progress(page, done: int) -> None:
    """Until the progress bar says ``done`` sentences are reviewed (the page's CSP forbids the
    script a wait_for_function would evaluate)."""
    sync_api.expect(page.locator("#progress-text")).to_have_text(
        re.compile(rf"^已审阅 {done} / \d+$"), timeout=10_000)


def _progress(page) -> str:
    return page.locator("#progress-text").inner_text()


def test_review_api_refuses_bad_requests_and_other_projects_runs(served):
    url, slug, run_id, _ = served
    api = f"{url}/api/projects/{slug}/runs/{run_id}"
    state = httpx.get(f"{api}/review").json()
    assert state["language"] == "zh" and state["items"][0]["status"] == "unsupported"
    bad = httpx.post(f"{api}/review", json={"seen": state["seq"], "decisions": [
        {"id": "s999", "action": "confirmed"}]})
    assert bad.status_code == 400 and "s999" in bad.json()["error"]
    bad = httpx.post(f"{api}/review", json={"seen": state["seq"], "decisions": [
        {"id": "s5", "action": "maybe"}]})
    assert bad.status_code == 422
    cross = httpx.post(f"{api}/review", headers={"Origin": "http://evil.example"},
                       json={"seen": state["seq"], "decisions": [{"id": "s5", "action": "removed"}]})
    assert cross.status_code == 403
    assert httpx.get(f"{url}/api/projects/no-such/runs/{run_id}/review").status_code == 404
    assert httpx.get(f"{api}/passages/999999").status_code == 404
    assert httpx.get(f"{url}/api/projects/{slug}/runs/999/review").status_code == 404
    assert httpx.get(f"{api}/review").json()["seq"] == state["seq"]  # nothing was saved
    # the project page lists the checked report with its review link
    checks = httpx.get(f"{url}/api/projects/{slug}").json()["checks"]
    assert [c["review"] for c in checks] == [f"/review#/p/{slug}/r/{run_id}"]


def test_a_whole_report_reviewed_with_the_keyboard_and_kept_across_a_reload(served):
    url, slug, run_id, folder = served
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(f"{url}/review#/p/{slug}/r/{run_id}")
        page.wait_for_selector("#sentence:not(:empty)")
        total = int(_progress(page).split("/")[-1])
        assert _progress(page) == f"已审阅 0 / {total}" and total > 60
        assert page.locator("#b-confirm").inner_text().startswith("确认")  # a Chinese report
        first = page.locator("#sentence").inner_text()
        assert page.locator("#status").inner_text() == "不支持"
        page.keyboard.press("2")  # the runner-up evidence
        assert page.locator("#t-runner").get_attribute("class").endswith("active")
        page.keyboard.press("1")
        page.screenshot(path=str(folder / "review-first.png"))

        # a second tab on the same run, loaded before any decision
        other = context.new_page()
        other.goto(f"{url}/review#/p/{slug}/r/{run_id}")
        other.wait_for_selector("#sentence:not(:empty)")

        page.keyboard.press("x")  # remove the first (red) sentence
        _wait_progress(page, 1)
        assert page.locator("#sentence").inner_text() != first
        page.keyboard.press("e")  # rewrite the next one in place
        page.locator("#edit-text").fill("作者在论文中给出了改写后的句子。")
        page.keyboard.press("Control+Enter")
        _wait_progress(page, 2)

        other.keyboard.press("c")  # its view is stale: refused, nothing saved
        other.wait_for_selector("#error:not([hidden])")
        assert "another review was saved since" in other.locator("#error").inner_text()

        for k in range(3, total + 1):  # confirm the rest, one key each
            page.keyboard.press("c")
            _wait_progress(page, k)
        page.screenshot(path=str(folder / "review-done.png"))
        assert not page.locator("#done").is_hidden()

        page.reload()
        page.wait_for_selector("#progress-text:not(:empty)")
        assert _progress(page) == f"已审阅 {total} / {total}"
        browser.close()
    state = httpx.get(f"{url}/api/projects/{slug}/runs/{run_id}/review").json()
    assert state["summary"]["removed"] == 1 and state["summary"]["corrected"] == 1
    assert state["summary"]["not_reviewed"] == 0
    assert state["line"].startswith("verified by Docent ")
    for shot in ("review-first.png", "review-done.png"):
        assert (folder / shot).read_bytes().startswith(b"\x89PNG")


def test_the_pdf_page_is_rendered_with_its_evidence(served):
    url, slug, run_id, _ = served
    state = httpx.get(f"{url}/api/projects/{slug}/runs/{run_id}/review").json()
    item = next(i for i in state["items"] if i["evidence_view"] and i["evidence_view"]["pdf"])
    ev = item["evidence"]
    r = httpx.get(f"{url}/api/projects/{slug}/runs/{run_id}/passages/{ev['passage_id']}/page.png",
                  params={"q": ev["text"][:200]})
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG") and len(r.content) > 20_000
