"""A report checked by ``docent check`` as one self-contained HTML page: every sentence in its
section and paragraph, marked by what Docent could show (verified, not supported, unverified,
uncited), and under each the evidence located in the sources, its place and score, the
next-best place and, for a red sentence, the reason the reader can check::

    html = render_checked(validation, title="submission.docx")
    Path("submission.check.html").write_text(html, encoding="utf-8")

No request leaves the page: the CSS is inline and a Content-Security-Policy forbids any load;
the pop-ups are ``<details>`` elements, so it needs no script.
"""

from __future__ import annotations

from html import escape
from itertools import groupby

from docent.types import CheckedSentence, ValidationReport

__all__ = ["render_checked"]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_CSS = """
body{font:16px/1.7 "Noto Serif CJK SC","Source Han Serif SC",Georgia,serif;max-width:52rem;
margin:2rem auto;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
.summary{background:#f4f4f6;border-radius:6px;padding:.6rem 1rem}
.legend span{margin-right:1rem}
p{margin:.8rem 0}
details{display:inline}
summary{display:inline;cursor:pointer;list-style:none;border-radius:3px;padding:0 .1rem}
summary::-webkit-details-marker{display:none}
.supported summary{background:#d9f2dd}
.unsupported summary,.partial summary{background:#fbd5d5}
.unverified summary{background:#ececec}
.uncited summary{border-bottom:2px dotted #b26b00}
.not_a_claim summary{cursor:default}
.box{display:block;margin:.3rem 0 .6rem;padding:.5rem .8rem;border-left:3px solid #999;
background:#fafafa;font-size:.9rem}
.box q{font-style:italic}
.why{color:#a40000}
.tag{padding:0 .3rem;border-radius:3px}.ok{background:#d9f2dd}.red{background:#fbd5d5}
.grey{background:#ececec}.dot{border-bottom:2px dotted #b26b00}
.place{color:#555}
"""

_LABELS = {"supported": "verified", "unsupported": "not supported", "partial": "partly supported",
           "unverified": "unverified: check it", "uncited": "no citation",
           "not_a_claim": ""}


def _box(s: CheckedSentence) -> str:
    parts = [f"<b>{escape(_LABELS.get(str(s.status.value), ''))}</b>"]
    if s.reason:
        parts.append(f'<span class="why">{escape(s.reason)}</span>')
    if s.evidence:
        place = ", ".join(x for x in (s.source, s.locator) if x)
        score = f"; search score {s.located_score:.2f}" if s.located_score is not None else ""
        parts.append(f'<span class="place">located: {escape(place)}{score}</span> '
                     f"<q>{escape(s.evidence[:500])}</q>")
    if s.runner_up is not None:
        r = s.runner_up
        place = ", ".join(x for x in (r.source, r.locator) if x)
        parts.append(f'<span class="place">runner-up: {escape(place)}</span> '
                     f"<q>{escape(r.text[:300])}</q>")
    if s.citations:
        parts.append(f'<span class="place">cited: {escape(" ".join(s.citations))}</span>')
    return '<span class="box">' + "<br>".join(parts) + "</span>"


def _sentence(s: CheckedSentence) -> str:
    status = str(s.status.value)
    if status == "not_a_claim":
        return f'<span class="not_a_claim">{escape(s.text)}</span>'
    return (f'<details class="{status}" id="s{s.index}"><summary>{escape(s.text)}</summary>'
            f"{_box(s)}</details>")


def render_checked(v: ValidationReport, title: str | None = None) -> str:
    """The page (see the module)."""
    s = v.summary
    body: list[str] = [f"<h1>{escape(title or v.report)}</h1>",
                       f'<p class="summary">{escape(s.verified_line())}; {s.errors} errors, '
                       f"{s.warnings} warnings. Click a sentence for its evidence.</p>",
                       '<p class="legend"><span class="tag ok">verified</span>'
                       '<span class="tag red">not supported</span>'
                       '<span class="tag grey">unverified: check it</span>'
                       '<span class="tag dot">no citation</span></p>']
    for section, sentences in groupby(v.sentences, key=lambda x: x.section):
        if section:
            body.append(f"<h2>{escape(section)}</h2>")
        for _, paragraph in groupby(sentences, key=lambda x: x.paragraph):
            body.append("<p>" + "".join(_sentence(x) for x in paragraph) + "</p>")
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f"<title>{escape(title or v.report)}</title><style>{_CSS}</style></head>\n"
            "<body>\n" + "\n".join(body) + "\n</body></html>\n")
