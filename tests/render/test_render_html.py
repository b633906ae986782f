"""The HTML report: self-contained, sentences marked by verdict, citations that open passages.

A real workspace (the ALCE paper, the lecture subtitles and a note holding ``</script>``) with
the hash embedder; the validation report comes from the real validator with a scripted judge.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ALCE, LECTURE_SRT, HashEmbedder

from docent.check import validate
from docent.check.findings import to_markdown as validation_markdown
from docent.check.judge import Judgement
from docent.config import Settings
from docent.ingest import ingest
from docent.render import render
from docent.render.html import citation_link
from docent.store import Store
from docent.types import (
    Bibliography,
    CheckedSentence,
    Citation,
    Draft,
    DraftSection,
    Finding,
    Locator,
    Passage,
    PassageRole,
    Source,
    SourceKind,
    ValidationReport,
    Verdict,
)

NASTY = "</script><script>alert('x')</script> <!-- and </SCRIPT >"


class ScriptedJudge:
    """Verdicts by keyword, so the validator's real bookkeeping produces each status."""

    name = "test/scripted"

    def judge(self, claim: str, passages: list[str], roles=None) -> Judgement:
        verdict = Verdict.supported
        if "流畅性" in claim:
            verdict = Verdict.partially_supported
        elif "softmax" in claim:
            verdict = Verdict.not_supported
        return Judgement(verdict, 0.9 if verdict is Verdict.supported else 0.3,
                         passages[0][:80], 0)


class Page(HTMLParser):
    """Every start tag with its attributes, the text inside each element id, sentence spans."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[tuple[str, dict]] = []
        self.texts: dict[str, list[str]] = {}  # id -> text within
        self.sentences: list[tuple[str, dict, list[str]]] = []
        self.script_bodies: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag in {"meta", "link", "img", "br", "input", "hr", "source"}:
            return
        entry = (tag, a, [])
        if tag == "span" and "sent" in (a.get("class") or "").split():
            self.sentences.append(entry)
        self.stack.append(entry)

    def handle_endtag(self, tag):
        while self.stack:
            t, a, buf = self.stack.pop()
            if tag == "script" and t == "script":
                self.script_bodies.append("".join(buf))
            if a.get("id"):
                self.texts[a["id"]] = buf
            if t == tag:
                break

    def handle_data(self, data):
        for _, _, buf in self.stack:
            buf.append(data)

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if a.get("id")}

    def text(self, id_: str) -> str:
        return "".join(self.texts.get(id_, []))

    def find(self, tag: str, **attrs: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag
                and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def _citation(n: int, passage: Passage, source: Source) -> Citation:
    return Citation(number=n, passage_id=passage.id, source_id=source.id,
                    source_title=source.title, source_kind=source.kind,
                    locator=passage.locator, excerpt=" ".join(passage.text.split())[:160])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("render_html")
    note = tmp / "reading-notes.md"
    note.write_text(f"# Reading notes\n\nA passage that tries to break out: {NASTY} "
                    "Citations matter for every claim.\n", encoding="utf-8")
    settings = Settings(workspace=tmp / "ws", embedder="hash")
    store = Store.open(settings.workspace)
    results = ingest([ALCE, LECTURE_SRT, note], store, settings, HashEmbedder())
    assert all(r.error is None for r in results), results
    by_kind = {s.kind: s for s in store.sources()}
    pdf, srt, md = by_kind[SourceKind.pdf], by_kind[SourceKind.subtitles], by_kind[
        SourceKind.markdown]
    page4 = next(p for p in store.passages(pdf.id) if p.locator.page == 4
                 and p.role is PassageRole.body and len(p.text) > 160)
    talk = next(p for p in store.passages(srt.id) if p.locator.start and p.locator.start > 700)
    noted = next(p for p in store.passages(md.id) if "</script>" in p.text)
    draft = Draft(title="大模型引用生成论文阅读报告", language="zh", sections=[
        DraftSection(title="概述", heading="一、论文概述", paragraphs=[
            ("该论文提出了 **ALCE** 基准，用于评估大模型生成带引用文本的能力[1]。"
             "评估从*流畅性*、正确性和引用质量三个维度展开[1]。"),
            ("讲座中介绍了自注意力机制中的 `softmax` 归一化[2]。"
             "这个模型在大量网页数据上训练，训练过程持续了好几个星期的时间。"),
        ]),
        DraftSection(title="笔记", heading="二、笔记与思考", paragraphs=[
            "笔记中记录了一个特殊的片段[3]。总之，引用很重要。",
        ]),
    ], citations=[_citation(1, page4, pdf), _citation(2, talk, srt),
                  _citation(3, noted, md)])
    validation = validate(draft, store, ScriptedJudge())
    html = render(draft, "html", validation=validation, store=store).decode("utf-8")
    out = tmp / "report.html"
    out.write_text(html, encoding="utf-8")
    yield {"store": store, "draft": draft, "validation": validation, "html": html,
           "page": Page(html), "path": out, "passages": (page4, talk, noted),
           "sources": (pdf, srt, md)}
    store.close()


def _sentence_text(parts: list[str]) -> str:
    return "".join(parts)


def test_page_loads_nothing_from_the_network(built):
    page: Page = built["page"]
    html: str = built["html"]
    assert html.startswith("<!DOCTYPE html>")
    assert page.find("html", lang="zh")
    assert page.find("meta", charset="utf-8")
    for tag, attrs in page.tags:
        if tag == "script":
            assert "src" not in attrs, f"external script: {attrs}"
        if tag == "link":
            assert False, f"<link> loads a resource: {attrs}"
        for key in ("src", "srcset", "data", "poster"):
            assert key not in attrs, f"<{tag} {key}=...> loads a resource"
    assert "@import" not in html and "url(" not in html
    assert "http://" not in html and "https://" not in html  # no source here is remote
    csp = page.find("meta", http_equiv="Content-Security-Policy")
    assert csp and "default-src 'none'" in csp[0]["content"]


def test_validation_summary(built):
    page: Page = built["page"]
    s = built["validation"].summary
    assert "validation-summary" in page.ids()
    stats = {a["data-key"] for t, a in page.tags if a.get("data-key")}
    assert {"verified", "unverified", "partially_supported", "not_supported", "errors",
            "warnings", "length", "repairs"} <= stats
    summary = page.text("validation-summary")
    assert s.claims_checked == 4 and s.supported == 2
    assert "已核实 2 / 4 句" in summary and "50%" in summary
    assert "validation-note" not in page.ids()
    headings = [a for t, a in page.tags if t == "h2"]  # the sections and the reference list
    assert len(headings) == len(built["draft"].sections) + 1


def test_sentences_carry_their_verdicts(built):
    page: Page = built["page"]
    report = [(a["data-verdict"], _sentence_text(t)) for tag, a, t in page.sentences]
    body = [(v, t) for v, t in report if "。" in t]  # the legend's samples have no 。
    expected = [
        ("supported", "该论文提出了 ALCE 基准"),
        ("partial", "评估从流畅性"),
        ("unsupported", "讲座中介绍了自注意力机制中的 softmax"),
        ("uncited", "这个模型在大量网页数据上训练"),
        ("supported", "笔记中记录了一个特殊的片段"),
        ("none", "总之，引用很重要。"),
    ]
    assert len(body) == len(expected), body
    for (verdict, text), (want, start) in zip(body, expected, strict=True):
        assert text.startswith(start) and verdict == want, (text, verdict, want)
    marked = [a for tag, a, t in page.sentences if "。" in "".join(t)]
    assert all(a.get("title") for a in marked), "each sentence says its verdict on hover"
    assert [a.get("data-index") for a in marked] == [str(i) for i in range(6)]
    html = built["html"]
    assert "**" not in html and "<strong>ALCE</strong>" in html and "<em>流畅性</em>" in html
    assert "<code>softmax</code>" in html


def test_citations_link_to_references_and_popup(built):
    page: Page = built["page"]
    cites = [(a["data-n"], a["href"]) for a in page.find("a") if a.get("class") == "cite"]
    assert cites == [("1", "#ref-1"), ("1", "#ref-1"), ("2", "#ref-2"), ("3", "#ref-3")]
    refs = page.find("ol", id="references")
    assert refs
    assert {"ref-1", "ref-2", "ref-3"} <= page.ids()
    assert page.text("ref-1").startswith("[1] Enabling Large Language Models")
    popup = page.find("div", id="passage-popup")
    assert popup and popup[0]["role"] == "dialog" and "hidden" in popup[0]
    assert page.find("button", id="passage-popup-close")


def test_citation_data_holds_full_passages_and_locators(built):
    page: Page = built["page"]
    page4, talk, noted = built["passages"]
    scripts = [a for t, a in page.tags if t == "script"]
    assert [a.get("type") for a in scripts] == ["application/json", None]
    assert len(page.script_bodies) == 2, "a passage text broke out of the data <script>"
    assert "alert" not in page.script_bodies[1]
    data = json.loads(page.script_bodies[0])["citations"]
    assert set(data) == {"1", "2", "3"}
    assert data["1"]["text"] == page4.text.strip() and len(page4.text) > 160
    assert data["1"]["locator"].startswith("p. 4") and data["1"]["page"] == 4
    assert data["1"]["link"] == ALCE.resolve().as_uri() + "#page=4"
    start = int(talk.locator.start)
    assert data["2"]["locator"].startswith(f"{start // 60:02d}:{start % 60:02d}–")
    assert data["2"]["link"].startswith("file://") and data["2"]["link"].endswith(f"#t={start}")
    assert data["3"]["text"] == noted.text.strip() and NASTY in data["3"]["text"]
    raw = built["html"]
    assert raw.lower().count("</script") == 2 and raw.count("<!--") == 0


def test_without_validation_or_store(built):
    draft: Draft = built["draft"].model_copy(deep=True)
    draft.title = 'Report <img src=x onerror="alert(1)"> & more'
    draft.sections[1].heading = "<b>笔记</b>"
    html = render(draft, "html").decode("utf-8")
    page = Page(html)
    assert "validation-summary" not in page.ids()
    assert "not validated" in page.text("validation-note") or "未经校验" in page.text(
        "validation-note")
    assert {a["data-verdict"] for _, a, _ in page.sentences} == {"none"}
    assert not page.find("img") and not page.find("b")
    assert "&lt;b&gt;笔记&lt;/b&gt;" in html
    data = json.loads(page.script_bodies[0])["citations"]
    assert data["1"]["text"] == draft.citations[0].excerpt and data["1"]["link"] is None


def test_each_sentence_gets_the_verdict_of_its_own_id():
    """The same sentence in two sections gets each its own verdict: records name the id of
    the draft's sentence, never a text to look for."""
    draft = Draft(title="T", language="en", sections=[
        DraftSection(title="A", heading="1. Alpha", paragraphs=["It is shown [1]. Other."]),
        DraftSection(title="B", heading="2. Beta", paragraphs=["It is shown [1]."]),
    ], citations=[Citation(number=1, passage_id=1, source_id=1, source_title="Paper",
                           source_kind=SourceKind.pdf, locator=Locator(page=2), excerpt="x")])

    validation = ValidationReport.build("T", [], [], None, None, sentences=[
        CheckedSentence(index=2, id="2.1.1", section="2. Beta",
                        text="It is shown.", status="unsupported"),
        CheckedSentence(index=0, id="1.1.1", section="1. Alpha",
                        text="It is shown.", status="supported"),
        CheckedSentence(index=1, id="1.1.2", section="1. Alpha",
                        text="Other.", status="uncited"),
    ])
    page = Page(render(draft, "html", validation=validation).decode("utf-8"))
    body = [(a["data-verdict"], a["data-id"], "".join(t)) for _, a, t in page.sentences
            if a.get("id")]
    assert body == [("supported", "1.1.1", "It is shown [1]."),
                    ("uncited", "1.1.2", "Other."),
                    ("unsupported", "2.1.1", "It is shown [1].")]
    # a record about another text of the sentence (the draft changed after the check) marks
    # nothing
    stale = validation.model_copy(deep=True)
    stale.sentences[0].text = "It was shown before."
    page = Page(render(draft, "html", validation=stale).decode("utf-8"))
    beta = [a for _, a, t in page.sentences if "".join(t) == "It is shown [1]."][1]
    assert beta["data-verdict"] == "none" and "id" not in beta
    assert page.find("html", lang="en")


def test_links_to_the_moment_and_the_page(tmp_path):
    talk = Citation(number=1, passage_id=1, source_id=1, source_title="Talk",
                    source_kind=SourceKind.media, locator=Locator(start=750.4, end=785.0),
                    excerpt="")
    yt = Source(path="https://www.youtube.com/watch?v=kCc8FmEb1nY", kind=SourceKind.media,
                title="Talk", sha256="0")
    assert citation_link(talk, yt)[0] == "https://www.youtube.com/watch?v=kCc8FmEb1nY&t=750"
    short = yt.model_copy(update={"path": "https://youtu.be/kCc8FmEb1nY?t=3"})
    assert citation_link(talk, short)[0] == "https://youtu.be/kCc8FmEb1nY?t=750"
    mp4 = tmp_path / "talk one.mp4"
    local = yt.model_copy(update={"path": str(mp4)})
    url, label = citation_link(talk, local, "zh")
    assert url == mp4.as_uri() + "#t=750" and "%20" in url and "12:30" in label
    srt = tmp_path / "talk one.srt"
    subs = talk.model_copy(update={"source_kind": SourceKind.subtitles})
    as_subs = yt.model_copy(update={"path": str(srt), "kind": SourceKind.subtitles})
    assert citation_link(subs, as_subs)[0] == srt.as_uri() + "#t=750"  # no recording beside
    mp4.write_bytes(b"")
    assert citation_link(subs, as_subs)[0] == mp4.as_uri() + "#t=750"  # the recording beside
    paper = Citation(number=2, passage_id=2, source_id=2, source_title="P",
                     source_kind=SourceKind.pdf, locator=Locator(page=4), excerpt="")
    pdf = Source(path=str(tmp_path / "p.pdf"), kind=SourceKind.pdf, title="P", sha256="1",
                 bibliography=Bibliography(url="https://arxiv.org/abs/1"))
    assert citation_link(paper, pdf)[0] == (tmp_path / "p.pdf").as_uri() + "#page=4"
    assert citation_link(paper, None) == (None, None)


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    return sync_playwright if Path("/usr/bin/chromium").exists() else None


def test_popup_in_a_browser(built, tmp_path):
    sync_playwright = _playwright()
    if sync_playwright is None:
        pytest.skip("needs the playwright package and /usr/bin/chromium")
    noted_text = built["passages"][2].text.strip()
    shot = tmp_path / "popup.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless=new", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(built["path"].as_uri())
            popup = page.locator("#passage-popup")
            assert popup.is_hidden()
            page.locator("a.cite[data-n='3']").first.click()
            assert popup.is_visible(), f"popup did not open (screenshot {shot})"
            assert noted_text[:60] in popup.inner_text()
            assert "</script>" in page.locator("#passage-popup-text").inner_text()
            page.screenshot(path=str(shot))
            page.keyboard.press("Escape")
            assert popup.is_hidden(), f"Escape did not close the popup (screenshot {shot})"
            page.locator("a.cite[data-n='2']").first.click()
            link = page.locator("#passage-popup-link")
            assert "#t=" in (link.get_attribute("href") or "")
            page.locator("#passage-popup-close").click()
            assert popup.is_hidden()
            assert not errors, errors
            assert all(u.startswith("file://") for u in requests), requests
        finally:
            browser.close()
    assert shot.stat().st_size > 1000


# --- honest marks: only a verified sentence is green -----------------------------------------

def _css_rules(html: str) -> dict[str, str]:
    """``{verdict: declaration}`` of the sentence marks in the page's stylesheet."""
    css = html.split("<style>", 1)[1].split("</style>", 1)[0]
    rules: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        for verdict in re.findall(r"\.marks-on \.sent\[data-verdict=(\w+)\]", selectors):
            rules[verdict] = body
    return rules


def _css_vars(html: str) -> dict[str, str]:
    root = re.search(r":root\{([^}]*)\}", html).group(1)
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+)", root))


def _colour(declaration: str, variables: dict[str, str]) -> str:
    name = re.search(r"var\((--[\w-]+)\)", declaration).group(1)
    return variables[name].strip().lower()


def _hue(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def test_each_mark_has_its_own_colour_and_only_supported_is_green(built):
    html = built["html"]
    rules, variables = _css_rules(html), _css_vars(html)
    # "confirmed": the reader's word after a review, in a blue of its own
    assert set(rules) == {"supported", "confirmed", "unverified", "partial", "unsupported",
                          "uncited"}
    colours = {v: _colour(d, variables) for v, d in rules.items()}
    assert len(set(colours.values())) == len(colours), colours  # no two marks alike
    r, g, b = _hue(colours["supported"])
    assert g > r and g > b, "supported is green"
    for verdict, colour in colours.items():
        if verdict != "supported":
            r, g, b = _hue(colour)
            assert not (g > r + 16 and g > b + 16), f"{verdict} must not be green: {colour}"
    r, g, b = _hue(colours["unverified"])
    assert max(r, g, b) - min(r, g, b) < 24, "unverified is a neutral grey"
    assert colours["unverified"] != colours["unsupported"]
    assert "dashed" in rules["unverified"]
    legend = [a["data-verdict"] for t, a, _ in Page(html).sentences
              if "sample" in a["class"].split()]
    assert "unverified" in legend  # the legend explains the grey mark


def _one_section(sentences: list[tuple[str, str]]) -> Draft:
    return Draft(title="T", language="en", sections=[DraftSection(
        title="A", heading="1. Alpha", paragraphs=[" ".join(t for t, _ in sentences)])],
        citations=[Citation(number=1, passage_id=7, source_id=1, source_title="Paper",
                            source_kind=SourceKind.pdf, locator=Locator(page=2),
                            excerpt="Paper text. The exact evidence span. More text.")])


def test_unverified_errors_and_unmatched_are_never_green():
    """Statuses and findings as the checker leaves them; the page marks each honestly."""
    texts = [
        ("Alpha holds [1].", dict(status="supported", verdict=Verdict.supported)),
        ("Beta may hold [1].", dict(status="unverified", verdict=Verdict.unverified,
                                    evidence="The exact evidence span.", passage_id=7,
                                    source="Paper", locator="p. 2")),
        # the checker of today labels an unverified verdict "unsupported", with a warning only
        ("Gamma may hold [1].", dict(status="unsupported", verdict=Verdict.unverified)),
        # a wrong title, judged supported: the error must not be painted green
        ("The title is Wrong [1].", dict(status="supported", verdict=Verdict.supported)),
        ("Delta holds [1].", dict(status="supported", verdict=Verdict.partially_supported)),
        ("Epsilon holds [1].", dict(status="supported", verdict=None)),
        ("Zeta holds [1].", dict(status="supported", verdict=Verdict.supported)),
    ]
    draft = _one_section(texts)
    records = [CheckedSentence(index=i, id=f"1.1.{i + 1}", section="1. Alpha",
                               text=re.sub(r" \[1\]", "", t), citations=["[1]"], **kw)
               for i, (t, kw) in enumerate(texts)]
    records[6].id = None  # a record that names no sentence of the draft marks nothing
    findings = [
        Finding(kind="support", severity="warning", section="1. Alpha", sentence_index=1,
                sentence="Beta may hold.", verdict=Verdict.unverified, score=0.5,
                message="not verified"),
        Finding(kind="support", severity="warning", section="1. Alpha", sentence_index=2,
                sentence="Gamma may hold.", verdict=Verdict.unverified, score=0.5,
                message="not verified", evidence="Gamma evidence.", source="Paper",
                locator="p. 2"),
        Finding(kind="bibliography", severity="error", section="1. Alpha", sentence_index=3,
                sentence="The title is Wrong.", message="the title differs from the paper's"),
    ]
    validation = ValidationReport.build("T", findings, [
        r.verdict for r in records if r.verdict is not None], None, None, sentences=records)
    html = render(draft, "html", validation=validation).decode("utf-8")
    page = Page(html)
    body = [(a["data-verdict"], "".join(t), a.get("title", "")) for _, a, t in page.sentences
            if "".join(t).endswith("[1].")]
    marks = [v for v, _, _ in body]
    assert marks == ["supported", "unverified", "unverified", "unsupported", "partial",
                     "supported", "none"], body
    assert body[1][2] == "Not verified: check it against the cited passage"
    assert body[3][2] == "Error: the title differs from the paper's"
    zeta = [a for _, a, t in page.sentences if "".join(t).startswith("Zeta")][0]
    assert "id" not in zeta and "data-index" not in zeta
    beta = [a for _, a, t in page.sentences if "".join(t).startswith("Beta")][0]
    assert (beta["id"], beta["data-id"]) == ("s-1", "1.1.2")
    summary = page.text("validation-summary")
    assert "verified 3 of 7" in summary  # counted from the verdicts, of the cited sentences
    data = json.loads(page.script_bodies[0])
    assert data["sentences"]["1"] == {"evidence": "The exact evidence span.",
                                      "label": "Not verified: check it against the cited passage",
                                      "source": "Paper", "locator": "p. 2", "passage_id": 7}
    assert data["sentences"]["2"]["evidence"] == "Gamma evidence."  # from the finding
    assert "0" not in data["sentences"]  # no evidence recorded for it
    assert page.find("p", id="passage-popup-evidence")


def test_chinese_page_words_for_unverified(built):
    page: Page = built["page"]
    legend = [(a["data-verdict"], "".join(t), a.get("title")) for _, a, t in page.sentences
              if "sample" in a["class"].split()]
    assert ("unverified", "未核实", "未能核实：请对照引用段落自行核对") in legend
    assert "未能核实：请对照引用段落自行核对" in built["html"]


class UnsureJudge(ScriptedJudge):
    """Cannot verify what the notes say."""

    name = "test/unsure"

    def judge(self, claim: str, passages: list[str], roles=None) -> Judgement:
        if "笔记" in claim:
            return Judgement(Verdict.unverified, 0.5, passages[0][:80], 0)
        return super().judge(claim, passages, roles)


def test_real_validator_unverified_is_grey(built):
    """Through the real validator: the judge's unverified verdict is marked unverified, counted
    apart from supported, and listed for the reader."""
    draft: Draft = built["draft"]
    validation = validate(draft, built["store"], UnsureJudge())
    s = validation.summary
    assert (s.supported, s.unverified, s.claims_checked) == (1, 1, 4)
    assert not validation.ok_strict
    page = Page(render(draft, "html", validation=validation,
                       store=built["store"]).decode("utf-8"))
    marks = {"".join(t)[:6]: a["data-verdict"] for _, a, t in page.sentences if a.get("id")}
    assert marks["笔记中记录了"] == "unverified"
    assert marks["该论文提出了"] == "supported"
    assert "已核实 1 / 4 句" in page.text("validation-summary")
    readable = validation_markdown(validation)
    assert "## Unverified sentences (check these yourself)" in readable
    assert "笔记中记录了一个特殊的片段" in readable.split("## Unverified sentences")[1]


def test_a_bibliography_error_on_a_supported_sentence_is_red(built):
    """The scripted judge supports every plain sentence; a wrong title is still an error, and
    the page must mark it so (it used to be green)."""
    draft: Draft = built["draft"].model_copy(deep=True)
    draft.sections[1].add("论文题目为《Language Models Are Cats And Dogs》[1]。")
    validation = validate(draft, built["store"], ScriptedJudge())
    wrong = [f for f in validation.findings if f.kind == "bibliography"]
    assert wrong and wrong[0].severity == "error"
    record = next(r for r in validation.sentences if r.index == wrong[0].sentence_index)
    assert record.status == "supported"  # the judge's verdict alone
    page = Page(render(draft, "html", validation=validation,
                       store=built["store"]).decode("utf-8"))
    mark = next(a for _, a, t in page.sentences if "".join(t).startswith("论文题目为"))
    assert mark["data-verdict"] == "unsupported" and mark["title"].startswith("错误：")
