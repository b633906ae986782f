"""The report as one self-contained HTML5 page: every sentence marked with its verdict, every
citation opening the passage it cites.

No request leaves the page: CSS and JS are inline and a Content-Security-Policy forbids any
other load. Hooks that the web app and tests rely on:

* ``<section id="validation-summary">`` ("verified 31 of 40" cited sentences, unverified,
  partly and not supported counts, errors, warnings, length against the asked range, repairs;
  each figure in ``[data-key]``) when a validation report is given, else
  ``<p id="validation-note" class="muted">``;
* ``<h2>`` per section, ``<p>`` per paragraph, and per sentence
  ``<span class="sent" data-verdict="supported|unverified|partial|unsupported|uncited|none">``
  (with ``id="s-<index>"``, ``data-index`` and ``data-id`` (the sentence id, "2.1.3") when
  the validation report checked it: its record's place in the draft says which sentence it is);
* ``<a class="cite" data-n="3" href="#ref-3">[3]</a>`` per citation; a click opens
  ``<div id="passage-popup" role="dialog">`` (closed by ``#passage-popup-close`` or Escape)
  with the source title, locator, the cited passage (the evidence span the sentence was judged
  against highlighted, and shown with the sentence's mark in ``#passage-popup-evidence``) and a
  link to the recording at that moment (``file:///…/talk.mp4#t=750``,
  ``https://youtube.com/watch?v=…&t=750``) or to the PDF page (``file:///…/paper.pdf#page=4``);
* the data behind it in ``<script type="application/json" id="citations-data">``;
* the reference list ``<ol id="references">`` with ``<li id="ref-3">``.

Only a sentence whose record says ``supported`` -- and that no error or warning finding is
about -- is marked green (:func:`sentence_mark`): a sentence with an error of any kind
(bibliography, provenance, a citation that resolves to nothing) is marked ``unsupported`` and
its tooltip names the error; one the judge could not verify is ``unverified`` (grey, dashed);
one that has no record (a validation report saved before sentences kept their place) is
``none``::

    page = render_html(draft, validation=report, store=store).decode("utf-8")
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from docent.sources.base import MEDIA_KINDS, MEDIA_SUFFIXES
from docent.render.markdown import (
    BOLD,
    CODE,
    ITALIC,
    inline_styles,
    references_heading,
    styled_runs,
)
from docent.sources.links import pdf_address
from docent.store import Store
from docent.text import sentence_key
from docent.types import (
    CheckedSentence,
    DraftParagraph,
    Finding,
    ValidationReport,
    Citation,
    Draft,
    LengthUnit,
    Source,
    SourceKind,
    Verdict,
    format_timestamp,
)

__all__ = ["VERDICTS", "citation_link", "render_html", "sentence_mark"]

VERDICTS = ("supported", "confirmed", "unverified", "partial", "unsupported", "uncited", "none")
_CITE_RE = re.compile(r"\[(\d+(?:\s*[-–,，]\s*\d+)*)\](?!\()")
class _Verdicts:
    """The validation's sentence records by the id of the draft sentence they are about."""

    def __init__(self, validation: ValidationReport | None) -> None:
        self.by_id: dict[str, CheckedSentence] = {
            s.id: s for s in (validation.sentences if validation else []) if s.id}
        self.problems: dict[int, list[Finding]] = {}  # sentence index -> errors and warnings
        for f in validation.findings if validation else []:
            if f.sentence_index is not None and f.severity in ("error", "warning"):
                self.problems.setdefault(f.sentence_index, []).append(f)
        self.evidence: dict[str, dict] = {}  # what the pop-up shows, by sentence index

    def spans(self, paragraph: DraftParagraph) -> list[tuple[int, int, CheckedSentence | None]]:
        """The paragraph's sentences, each with its record (None: the check said nothing of
        it), as spans of :attr:`DraftParagraph.text`. A record is only taken when it is
        about the sentence as it stands (the same text)."""
        out: list[tuple[int, int, CheckedSentence | None]] = []
        for start, end, sentence in paragraph.spans():
            record = self.by_id.get(sentence.id)
            if record is not None and not _same_sentence(sentence.text, record.text):
                record = None  # not this text's record (the draft changed after the check)
            out.append((start, end, record))
        return out


def _same_sentence(text: str, checked: str) -> bool:
    """``checked`` (a sentence as the check read it) is ``text`` with its citations taken
    out: the same characters but for one stretch (spaces aside).

    >>> _same_sentence("ALCE 是基准 (Gao et al., 2023)[1]。", "ALCE 是基准。")
    True
    """
    a, b = sentence_key(text), sentence_key(checked)
    if len(b) > len(a):
        return False
    head = 0
    while head < len(b) and a[head] == b[head]:
        head += 1
    return a.endswith(b[head:])


def sentence_mark(sentence: CheckedSentence | None, problems: list[Finding] | None = None
                  ) -> tuple[str, str | None]:
    """``(data-verdict, the error it shows or None)`` for one sentence of the page.

    Green (``supported``) needs all three: the record's status is "supported", its verdict (if
    any) is supported, and no error or warning finding is about the sentence. An error of any
    kind makes it ``unsupported``; a verdict of "unverified" makes it ``unverified`` whatever
    the status says; no record (the sentence matched none) is ``none``.

    >>> sentence_mark(None)
    ('none', None)
    """
    if sentence is None:
        return "none", None
    if sentence.status == "confirmed":  # the reader's word, in its own style
        return "confirmed", None
    problems = problems or []
    errors = [f for f in problems if f.severity == "error"]
    if errors:
        return "unsupported", errors[0].message
    status = sentence.status if sentence.status in VERDICTS else "none"
    verdict = sentence.verdict
    if status == "unverified" or verdict is Verdict.unverified or any(
            f.verdict is Verdict.unverified for f in problems):
        return "unverified", None
    if status == "supported":
        if verdict is Verdict.partially_supported:
            return "partial", None
        if verdict is Verdict.not_supported:
            return "unsupported", None
        if problems:  # a warning about a sentence said to be supported: not verified
            return "unverified", None
    return status, None


# --- words, style and behaviour ---------------------------------------------------------------

_WORDS = {
    "en": {
        "summary": "Validation", "cited": "cited sentences", "verified_of": "verified {n} of {m}",
        "pct": " ({}%)",
        "unverified": "not verified", "not_judged": "not judged",
        "partial": "partly", "unsupported": "not supported", "errors": "errors",
        "warnings": "warnings", "uncited": "uncited claims", "length": "length / asked",
        "repairs": "repairs", "legend": "Marks:", "show_marks": "show marks",
        "findings": "Errors and warnings", "go": "go to sentence",
        "not_validated": "This report was not validated: its sentences are not marked.",
        "l_supported": "supported", "l_unverified": "not verified",
        "l_confirmed": "confirmed by the reader", "reviewed": "after the reader's review",
        "v_confirmed": "Not verified by Docent; the reader checked it against its evidence",
        "l_partial": "partly supported",
        "l_unsupported": "not supported", "l_uncited": "uncited claim",
        "v_supported": "Supported by the cited passage",
        "v_unverified": "Not verified: check it against the cited passage",
        "v_error": "Error: {}",
        "evidence": "The check judged this sentence against:",
        "v_partial": "Partly supported by the cited passage",
        "v_unsupported": "Not supported by the cited passage",
        "v_uncited": "A factual claim without a citation",
        "v_none": "Not a claim that was checked",
        "no_ref": "no such entry in the reference list", "close": "Close",
        "open_recording": "Open the recording at {}", "open_transcript": "Open the transcript at {}",
        "open_page": "Open the PDF at page {}", "open_source": "Open the source",
        "ref_link": "in the reference list", "excerpt_only": "(excerpt)",
    },
    "zh": {
        "summary": "校验结果", "cited": "引用句", "verified_of": "已核实 {n} / {m} 句",
        "pct": "（{}%）",
        "unverified": "未核实", "not_judged": "未判定",
        "partial": "部分支持", "unsupported": "不支持", "errors": "错误", "warnings": "警告",
        "uncited": "未注明出处的论断", "length": "篇幅 / 要求", "repairs": "修改次数",
        "legend": "标记：", "show_marks": "显示标记", "findings": "错误与警告",
        "go": "查看句子", "not_validated": "本报告未经校验，句子没有标记。",
        "l_supported": "有据", "l_unverified": "未核实", "l_partial": "部分有据",
        "l_confirmed": "读者已核对", "reviewed": "读者审阅后", "v_confirmed": "Docent 未能核实；读者已对照证据核对",
        "l_unsupported": "无据", "l_uncited": "未注出处",
        "v_supported": "引用的段落支持此句",
        "v_unverified": "未能核实：请对照引用段落自行核对", "v_error": "错误：{}",
        "evidence": "校验时据以判断此句的证据：", "v_partial": "引用的段落部分支持此句",
        "v_unsupported": "引用的段落不支持此句", "v_uncited": "事实性陈述，未注明出处",
        "v_none": "非需检验的论断",
        "no_ref": "参考文献中没有此条", "close": "关闭",
        "open_recording": "在 {} 处打开录像", "open_transcript": "在 {} 处打开字幕",
        "open_page": "打开 PDF 第 {} 页", "open_source": "打开来源",
        "ref_link": "见参考文献", "excerpt_only": "（摘录）",
    },
}


def labels(language: str) -> dict[str, str]:
    """The page's words in ``language`` ("zh" or anything else for English)."""
    return _WORDS["zh" if language == "zh" else "en"]


CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; base-uri 'none'; form-action 'none'")

CSS = """
:root{--ink:#1f2328;--muted:#6b7280;--line:#d0d7de;--ok:#2f855a;--part:#b7791f;--bad:#c53030;
--unc:#6b46c1;--unv:#8a8f98;--mine:#3b6fb6;--bg:#fff;--panel:#f6f8fa}
*{box-sizing:border-box}[hidden]{display:none!important}
body{margin:0;background:var(--bg);color:var(--ink);font-family:"Times New Roman",Georgia,
"Noto Serif CJK SC","Source Han Serif SC","Songti SC",SimSun,serif;font-size:17px;line-height:1.75}
.lang-zh{line-height:1.9}
main{max-width:46rem;margin:0 auto;padding:2rem 1.25rem 4rem}
h1{font-size:1.7rem;text-align:center;line-height:1.4;margin:1rem 0 1.5rem}
h2{font-size:1.25rem;margin:2rem 0 .75rem;line-height:1.4}
p{margin:0 0 .9rem;text-align:justify}
.lang-zh #report-body p:not(.list-item){text-indent:2em}
.list-item{padding-left:1.2em;text-indent:-1.2em}
code{font-family:"Noto Sans Mono",Consolas,monospace;font-size:.9em;background:var(--panel);
padding:0 .2em;border-radius:3px}
.muted{color:var(--muted);font-size:.9rem}
#validation-note{text-align:center;font-style:italic}
#validation-summary{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",
sans-serif;font-size:.85rem;line-height:1.5;border:1px solid var(--line);border-radius:6px;
background:var(--panel);padding:.75rem 1rem;margin:0 0 2rem}
#validation-summary .summary-title{font-size:.95rem;font-weight:600;margin:0 0 .5rem;
text-align:left}
.stats{display:flex;flex-wrap:wrap;gap:.4rem 1.4rem;margin:0 0 .5rem}
.stat dt{color:var(--muted);font-size:.75rem}.stat dd{margin:0;font-weight:600}
.stat.good dd{color:var(--ok)}.stat.bad dd{color:var(--bad)}.stat.warn dd{color:var(--part)}
.stat.unv dd{color:var(--muted)}
.legend{margin:.25rem 0 0;text-align:left}.legend .sent{margin-right:.8rem}
.toggle{color:var(--muted);white-space:nowrap}
.findings{margin-top:.5rem}.findings ul{margin:.4rem 0 0;padding-left:1.2rem}
.findings li.error b{color:var(--bad)}.findings li.warning b{color:var(--part)}
.sent{text-decoration-line:none;text-underline-offset:.28em;text-decoration-thickness:1px}
.marks-on .sent[data-verdict=supported],.legend .sent[data-verdict=supported]{
text-decoration:underline dotted var(--ok)}
.marks-on .sent[data-verdict=confirmed],.legend .sent[data-verdict=confirmed]{
text-decoration:underline solid var(--mine)}
.marks-on .sent[data-verdict=unverified],.legend .sent[data-verdict=unverified]{
text-decoration:underline dashed var(--unv)}
.marks-on .sent[data-verdict=partial],.legend .sent[data-verdict=partial]{
text-decoration:underline dotted var(--part)}
.marks-on .sent[data-verdict=unsupported],.legend .sent[data-verdict=unsupported]{
text-decoration:underline dotted var(--bad)}
.marks-on .sent[data-verdict=uncited],.legend .sent[data-verdict=uncited]{
text-decoration:underline dashed var(--unc)}
.sent[id]:target{background:#fff8c5}
a{color:#0b5cad}
a.cite{text-decoration:none;font-size:.82em;vertical-align:.25em;line-height:0;padding:0 .05em}
a.cite:hover,a.cite:focus{text-decoration:underline}
.cite-missing{color:var(--bad);font-size:.82em}
#references{padding-left:0;list-style:none;font-size:.95rem}
#references li{padding-left:2.2em;text-indent:-2.2em;margin:.3rem 0}
#references li:target{background:#fff8c5}
.ref-link{font-size:.85em;margin-left:.3em}
#passage-popup{position:fixed;z-index:10;width:min(34rem,calc(100vw - 16px));max-height:60vh;
overflow:auto;background:#fff;border:1px solid var(--line);border-radius:8px;
box-shadow:0 8px 28px rgba(0,0,0,.18);padding:.9rem 1rem .7rem;font-size:.92rem;
line-height:1.6;top:20vh;left:calc(50vw - 17rem)}
#passage-popup-close{position:absolute;top:.3rem;right:.4rem;border:0;background:none;
font-size:1.3rem;line-height:1;cursor:pointer;color:var(--muted);padding:.2rem .4rem}
.popup-head{font-weight:600;margin:0 1.5rem .2rem 0;text-align:left}
#passage-popup-locator{color:var(--muted);margin:0 0 .5rem;text-align:left}
#passage-popup-text{margin:0 0 .5rem;padding:.4rem .7rem;border-left:3px solid var(--line);
white-space:pre-wrap;background:var(--panel)}
#passage-popup-text mark{background:#fff1b8;color:inherit;padding:0 .1em}
#passage-popup-evidence{margin:0 0 .5rem;font-size:.85rem;color:var(--muted);text-align:left}
#passage-popup-evidence q{color:var(--ink)}
.popup-foot{margin:0;font-size:.85rem;display:flex;gap:1rem;flex-wrap:wrap}
@media print{
body{font-size:12pt;background:#fff}main{max-width:none;padding:0}
#validation-summary,#validation-note,#passage-popup,.ref-link{display:none!important}
.sent{text-decoration:none!important}a{color:inherit;text-decoration:none}
h2{break-after:avoid}p{orphans:2;widows:2}}
"""

JS = """
(function(){
"use strict";
var node=document.getElementById("citations-data"),data;
try{data=JSON.parse(node.textContent);}catch(e){return;}
var cites=data.citations||{},words=data.labels||{},judged=data.sentences||{};
var popup=document.getElementById("passage-popup"),closer=document.getElementById("passage-popup-close");
var num=document.getElementById("passage-popup-n"),title=document.getElementById("passage-popup-title");
var loc=document.getElementById("passage-popup-locator"),text=document.getElementById("passage-popup-text");
var link=document.getElementById("passage-popup-link"),ref=document.getElementById("passage-popup-ref");
var evbox=document.getElementById("passage-popup-evidence");
var opener=null;
function place(a){
  var r=a.getBoundingClientRect(),w=popup.offsetWidth,h=popup.offsetHeight;
  var vw=document.documentElement.clientWidth,vh=window.innerHeight;
  var left=Math.max(8,Math.min(r.left-16,vw-w-8)),top=r.bottom+6;
  if(top+h>vh-8){top=Math.max(8,r.top-h-6);}
  popup.style.left=left+"px";popup.style.top=top+"px";
}
function open(a){
  var n=a.getAttribute("data-n"),c=cites[n];
  if(!c){return false;}
  num.textContent="["+c.n+"]";title.textContent=c.title;
  loc.textContent=c.locator;
  var sent=a.closest?a.closest(".sent[data-index]"):null;
  var ev=sent?judged[sent.getAttribute("data-index")]:null,at=-1;
  if(ev&&ev.evidence&&(ev.passage_id==null||ev.passage_id===c.passage_id)){at=c.text.indexOf(ev.evidence);}
  text.textContent="";
  if(at>=0){
    var m=document.createElement("mark");m.textContent=ev.evidence;
    text.append(document.createTextNode(c.text.slice(0,at)),m,
      document.createTextNode(c.text.slice(at+ev.evidence.length)));
  }else{text.textContent=c.text;}
  if(!c.full){text.append(document.createTextNode(" "+(words.excerpt_only||"")));}
  evbox.replaceChildren();
  if(ev&&ev.evidence){
    var head=document.createElement("b");head.textContent=ev.label||"";
    var q=document.createElement("q");q.textContent=ev.evidence;
    var where=[ev.source,ev.locator].filter(Boolean).join(", ");
    evbox.append(head,document.createTextNode(" "+(words.evidence||"")+" "),q,
      document.createTextNode(where?" ("+where+")":""));
    evbox.hidden=false;
  }else{evbox.hidden=true;}
  if(c.link&&/^(file|https?):/i.test(c.link)){link.href=c.link;link.textContent=c.link_label||c.link;link.hidden=false;}
  else{link.removeAttribute("href");link.textContent="";link.hidden=true;}
  ref.href="#ref-"+c.n;ref.textContent=words.ref_link||"";
  popup.hidden=false;place(a);opener=a;closer.focus({preventScroll:true});
  return true;
}
function close(){
  if(popup.hidden){return;}
  popup.hidden=true;
  if(opener){opener.focus({preventScroll:true});opener=null;}
}
document.addEventListener("click",function(ev){
  var a=ev.target&&ev.target.closest?ev.target.closest("a.cite"):null;
  if(a){if(open(a)){ev.preventDefault();}return;}
  if(!popup.hidden&&!popup.contains(ev.target)){close();}
});
closer.addEventListener("click",function(ev){ev.preventDefault();close();});
ref.addEventListener("click",function(){popup.hidden=true;opener=null;});
document.addEventListener("keydown",function(ev){if(ev.key==="Escape"||ev.key==="Esc"){close();}});
window.addEventListener("resize",function(){if(!popup.hidden&&opener){place(opener);}});
window.addEventListener("scroll",function(){if(!popup.hidden&&opener){place(opener);}},{passive:true});
var toggle=document.getElementById("toggle-marks");
if(toggle){toggle.addEventListener("change",function(){document.body.classList.toggle("marks-on",toggle.checked);});}
})();
"""

# --- links to the place a passage comes from ---------------------------------------------------

def _with_time(url: str, seconds: int) -> str:
    parts = urlsplit(url)
    if parts.path.lower().endswith(MEDIA_SUFFIXES):  # a media file plays from a fragment
        return urlunsplit(parts._replace(fragment=f"t={seconds}"))
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "t"]
    query.append(("t", str(seconds)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _file_uri(path: str) -> str | None:
    p = Path(path)
    return p.as_uri() if p.is_absolute() else None


def _recording_beside(path: str) -> str | None:
    """The recording a subtitle file belongs to: same name, a media suffix, same folder."""
    p = Path(path)
    for suffix in MEDIA_SUFFIXES:
        for candidate in (p.with_suffix(suffix), p.with_suffix(suffix.upper())):
            if candidate.is_file():
                return str(candidate)
    return None


def citation_link(citation: Citation, source: Source | None, language: str = "en"
                  ) -> tuple[str | None, str | None]:
    """``(url, label)`` that opens the cited place: a recording at the passage's start, a PDF
    at its page, or the source itself; ``(None, None)`` when its path is unknown."""
    words = labels(language)
    loc = citation.locator
    path = source.path if source is not None else None
    remote = source.bibliography.url if source is not None and source.bibliography else None
    if not path:
        return None, None
    is_url = path.startswith(("http://", "https://"))
    kind = citation.source_kind
    if kind in MEDIA_KINDS and loc.start is not None:
        seconds = int(loc.start)
        stamp = format_timestamp(loc.start)
        if is_url:
            return _with_time(path, seconds), words["open_recording"].format(stamp)
        recording = path if kind is SourceKind.media else _recording_beside(path)
        target = _file_uri(recording or path)
        if target is None:
            return None, None
        key = "open_recording" if recording else "open_transcript"
        return f"{target}#t={seconds}", words[key].format(stamp)
    if kind is SourceKind.pdf and is_url:  # a paper ingested from its link
        pdf = pdf_address(path)
        if pdf and loc.page is not None:
            return f"{pdf}#page={loc.page}", words["open_page"].format(loc.page)
        return path, words["open_source"]
    if kind is SourceKind.pdf:
        target = path if is_url else _file_uri(path)
        if target is None:
            return None, None
        if loc.page is not None:
            return f"{target}#page={loc.page}", words["open_page"].format(loc.page)
        return target, words["open_source"]
    if is_url:
        return path, words["open_source"]
    if remote and remote.startswith(("http://", "https://")):
        return remote, words["open_source"]
    target = _file_uri(path)
    return (target, words["open_source"]) if target else (None, None)


def _citation_data(draft: Draft, store: Store | None) -> dict[str, dict]:
    passages = store.passages_by_id([c.passage_id for c in draft.citations]) if store else {}
    sources: dict[int, Source | None] = {}
    data: dict[str, dict] = {}
    for c in sorted(draft.citations, key=lambda c: c.number):
        if store is not None and c.source_id not in sources:
            sources[c.source_id] = store.source(c.source_id)
        source = sources.get(c.source_id)
        passage = passages.get(c.passage_id)
        link, link_label = citation_link(c, source, draft.language)
        data[str(c.number)] = {
            "n": c.number, "title": c.source_title, "kind": c.source_kind.value,
            "locator": c.locator.label(dash="–"), "page": c.locator.page,
            "start": c.locator.start, "end": c.locator.end, "section": c.locator.section,
            "text": passage.text.strip() if passage is not None else c.excerpt,
            "full": passage is not None, "link": link, "link_label": link_label,
            "passage_id": c.passage_id, "source_id": c.source_id,
        }
    return data


def _json_script(value: object) -> str:
    """JSON that is safe inside ``<script>``: no ``</script>``, ``<!--`` or line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


# --- the page --------------------------------------------------------------------------------

def _cites(text: str, numbers: set[int], words: dict[str, str]) -> str:
    out: list[str] = []
    cursor = 0
    for m in _CITE_RE.finditer(text):
        out.append(escape(text[cursor:m.start()]))
        parts: list[str] = []
        for piece in re.split(r"\s*[,，]\s*", m.group(1)):
            bounds = [int(x) for x in re.split(r"\s*[-–]\s*", piece) if x]
            if len(bounds) == 2:
                parts.extend(str(n) for n in range(bounds[0], min(bounds[1], bounds[0] + 50) + 1))
            else:
                parts.extend(str(n) for n in bounds)
        if not parts:  # "[4-2]": keep what was written
            out.append(escape(m.group(0)))
        for n in parts:
            if int(n) in numbers:
                out.append(f'<a class="cite" data-n="{n}" href="#ref-{n}">[{n}]</a>')
            else:
                out.append(f'<span class="cite-missing" title="{escape(words["no_ref"])}">'
                           f'[{n}]</span>')
        cursor = m.end()
    out.append(escape(text[cursor:]))
    return "".join(out)


def _inline(text: str, start: int, end: int, styles: list[int], numbers: set[int],
            words: dict[str, str]) -> str:
    out: list[str] = []
    for chunk, style in styled_runs(text, start, end, styles):
        html = escape(chunk) if style & CODE else _cites(chunk, numbers, words)
        if style & CODE:
            html = f"<code>{html}</code>"
        if style & ITALIC:
            html = f"<em>{html}</em>"
        if style & BOLD:
            html = f"<strong>{html}</strong>"
        out.append(html)
    return "".join(out)


def _paragraph(paragraph: DraftParagraph, verdicts: _Verdicts, numbers: set[int],
               words: dict[str, str], validated: bool) -> str:
    marker, text = paragraph.marker, paragraph.text
    if not text and not marker:
        return ""
    styles = inline_styles(text)
    out: list[str] = []
    cursor = 0
    for s, e, checked in verdicts.spans(paragraph):
        out.append(_inline(text, cursor, s, styles, numbers, words))
        problems = verdicts.problems.get(checked.index, []) if checked is not None else []
        verdict, error = sentence_mark(checked, problems)
        attrs = f' data-verdict="{verdict}"'
        if checked is not None:
            attrs = (f' id="s-{checked.index}" data-index="{checked.index}"'
                     f' data-id="{escape(checked.id or "")}"' + attrs)
        label = words["v_error"].format(error) if error else words["v_" + verdict]
        if validated:
            attrs += f' title="{escape(label)}"'
        if checked is not None:
            _note_evidence(verdicts, checked, problems, label)
        out.append(f'<span class="sent"{attrs}>{_inline(text, s, e, styles, numbers, words)}'
                   "</span>")
        cursor = e
    out.append(_inline(text, cursor, len(text), styles, numbers, words))
    if paragraph.lead:
        out.insert(0, f'<strong class="lead">{escape(paragraph.lead)}</strong>'
                      f"{escape(paragraph.separator)}")
    if marker:
        bullet = "•" if marker.strip() in {"-", "*", "+"} else marker.strip()
        return (f'<p class="list-item"><span class="marker">{escape(bullet)}</span> '
                f'{"".join(out)}</p>')
    return f"<p>{''.join(out)}</p>"


def _note_evidence(verdicts: _Verdicts, checked: CheckedSentence, problems: list[Finding],
                   label: str) -> None:
    """Keep the evidence span a sentence was judged against, for the citation pop-up."""
    found = next((f for f in problems if f.kind in ("support", "off_source", "miscited")
                  and f.evidence), None)
    evidence = checked.evidence or (found.evidence if found else None)
    if not evidence:
        return
    verdicts.evidence[str(checked.index)] = {
        "evidence": evidence.strip(), "label": label,
        "source": checked.source or (found.source if found else None),
        "locator": checked.locator or (found.locator if found else None),
        "passage_id": checked.passage_id,
    }


def _stat(key: str, label: str, value: str, tone: str = "") -> str:
    cls = f"stat {tone}".strip()
    return (f'<div class="{cls}" data-key="{key}"><dt>{escape(label)}</dt>'
            f"<dd>{escape(value)}</dd></div>")


def _summary(draft: Draft, validation: ValidationReport | None, words: dict[str, str]) -> str:
    if validation is None:
        return f'<p id="validation-note" class="muted">{escape(words["not_validated"])}</p>'
    s = validation.summary
    length = s.length if s.length is not None else (draft.length or None)
    asked = s.length_range or (draft.length_range.label() if draft.length_range else None)
    in_range = draft.length_range.contains(length) if (draft.length_range and length) else None
    if draft.length_range is not None:
        unit = draft.length_range.unit.symbol
    else:  # the default unit is 字; an English report counts words
        unit = draft.length_unit.symbol if draft.language == "zh" else LengthUnit.words.symbol
    length_value = "—" if length is None else f"{length} {unit}"
    if asked:
        length_value += f" / {asked}"
    verified = words["verified_of"].format(n=s.supported, m=s.covered)
    if s.covered:
        verified += words["pct"].format(f"{s.verified_pct:g}")
    stats = [
        _stat("verified", words["cited"], verified),
        *([_stat("reviewed", words["reviewed"], s.reviewed, "good")] if s.reviewed else []),
        _stat("unverified", words["unverified"], str(s.unverified), "unv" if s.unverified else ""),
        _stat("partially_supported", words["partial"], str(s.partially_supported),
              "warn" if s.partially_supported else ""),
        _stat("not_supported", words["unsupported"], str(s.not_supported),
              "bad" if s.not_supported else ""),
    ]
    if s.covered > s.claims_checked:
        stats.append(_stat("not_judged", words["not_judged"], str(s.covered - s.claims_checked),
                           "unv"))
    stats += [
        _stat("errors", words["errors"], str(s.errors), "bad" if s.errors else "good"),
        _stat("warnings", words["warnings"], str(s.warnings), "warn" if s.warnings else ""),
        _stat("uncited", words["uncited"], str(s.uncited)),
        _stat("length", words["length"], length_value,
              "" if in_range is None else ("good" if in_range else "bad")),
        _stat("repairs", words["repairs"], str(s.repairs)),
    ]
    legend = "".join(
        f'<span class="sent sample" data-verdict="{v}" title="{escape(words["v_" + v])}">'
        f'{escape(words["l_" + v])}</span>'
        for v in VERDICTS if v != "none")
    findings = [f for f in validation.findings if f.severity in ("error", "warning")]
    items = []
    for f in findings:
        where = (f' <a href="#s-{f.sentence_index}">{escape(words["go"])}</a>'
                 if f.sentence_index is not None else "")
        sentence = f' <q>{escape(f.sentence)}</q>' if f.sentence else ""
        items.append(f'<li class="{escape(f.severity)}"><b>{escape(f.severity)}</b> '
                     f"{escape(f.kind)}: {escape(f.message)}{sentence}{where}</li>")
    details = (f'<details class="findings"><summary>{escape(words["findings"])} '
               f"({len(findings)})</summary><ul>{''.join(items)}</ul></details>"
               if items else "")
    return (f'<section id="validation-summary" aria-label="{escape(words["summary"])}">'
            f'<p class="summary-title" role="heading" aria-level="2">'
            f'{escape(words["summary"])}</p>'
            f'<dl class="stats">{"".join(stats)}</dl>'
            f'<p class="legend">{escape(words["legend"])} {legend} '
            f'<label class="toggle"><input type="checkbox" id="toggle-marks" checked> '
            f'{escape(words["show_marks"])}</label></p>{details}</section>')


def _references(draft: Draft, data: dict[str, dict]) -> str:
    items = []
    for c in sorted(draft.citations, key=lambda c: c.number):
        entry = data.get(str(c.number), {})
        link = ""
        if entry.get("link"):
            link = (f' <a class="ref-link" href="{escape(entry["link"])}">'
                    f'{escape(entry["link_label"] or "")}</a>')
        items.append(f'<li id="ref-{c.number}" value="{c.number}">'
                     f'<span class="ref-num">[{c.number}]</span> '
                     f'<span class="ref-title">{escape(c.source_title)}</span>, '
                     f'<span class="ref-locator">{escape(c.locator.label(dash="–"))}</span>{link}</li>')
    return (f'<h2 id="references-heading">{escape(references_heading(draft.language))}</h2>'
            f'<ol id="references">{"".join(items)}</ol>')


def _popup(words: dict[str, str]) -> str:
    return (
        '<div id="passage-popup" role="dialog" aria-modal="false" '
        'aria-labelledby="passage-popup-title" hidden>'
        f'<button type="button" id="passage-popup-close" aria-label="{escape(words["close"])}"'
        f' title="{escape(words["close"])}">×</button>'
        '<p class="popup-head"><span id="passage-popup-n"></span> '
        '<span id="passage-popup-title"></span></p>'
        '<p id="passage-popup-locator"></p>'
        '<blockquote id="passage-popup-text"></blockquote>'
        '<p id="passage-popup-evidence" hidden></p>'
        '<p class="popup-foot"><a id="passage-popup-link" hidden></a> '
        '<a id="passage-popup-ref" href="#references"></a></p></div>'
    )


def render_html(draft: Draft, *, validation: ValidationReport | None = None,
                store: Store | None = None) -> bytes:
    """The report as one self-contained HTML page (UTF-8 bytes); see the module docstring."""
    lang = "zh" if draft.language == "zh" else "en"
    words = labels(lang)
    data = _citation_data(draft, store)
    numbers = {c.number for c in draft.citations}
    verdicts = _Verdicts(validation)
    body: list[str] = []
    for section in draft.sections:
        body.append(f'<section class="report-section"><h2>{escape(section.heading)}</h2>')
        for paragraph in section.paragraphs:
            body.append(_paragraph(paragraph, verdicts, numbers, words, validation is not None))
        body.append("</section>")
    payload = {"lang": lang,
               "labels": {k: words[k] for k in ("ref_link", "excerpt_only", "evidence")},
               "citations": data, "sentences": verdicts.evidence}
    page = (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="Docent">\n'
        f"<title>{escape(draft.title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f'<body class="lang-{lang} marks-on">\n<main id="report">\n'
        f'<header><h1>{escape(draft.title)}</h1></header>\n'
        f"{_summary(draft, validation, words)}\n"
        f'<article id="report-body">{"".join(body)}</article>\n'
        f"{_references(draft, data)}\n</main>\n{_popup(words)}\n"
        f'<script type="application/json" id="citations-data">{_json_script(payload)}'
        f"</script>\n<script>{JS}</script>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")
