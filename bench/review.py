"""A scripted review in the web app's review view (prints figures; asserts nothing).

    .venv/bin/python bench/review.py [--report ../shared/corpus/reports/chatbot-report-w2v.md]
                                     [--source ../shared/corpus/papers/word2vec-1301.3781.pdf]

Checks the report into a fresh project (``docent check``'s path, embedded e5 embedder), serves
the web app with uvicorn, and reviews every sentence to review as the page does: for each, the
cited PDF page rendered with its evidence highlighted (``page.png``), then a decision saved
(``POST review``, which answers with the next state: what the page shows next). Prints p50 and
p95 of both, the number of sentences, and the core count.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
SERVER = ("import sys; from pathlib import Path; from docent.config import Settings; "
          "from docent.web import create_app, serve; "
          "serve(create_app(Path(sys.argv[1]), Settings(embedder='none'), start_worker=False), "
          "host='127.0.0.1', port=int(sys.argv[2]))")


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--report", type=Path, default=SHARED / "reports" / "chatbot-report-w2v.md")
    ap.add_argument("--source", type=Path, default=SHARED / "papers" / "word2vec-1301.3781.pdf")
    args = ap.parse_args()

    from docent.check import validate
    from docent.config import Settings
    from docent.index import get_embedder
    from docent.ingest import ingest
    from docent.review import save_check_run
    from docent.web.projects import Projects

    root = Path(tempfile.mkdtemp(prefix="bench-review-")) / "projects"
    project = Projects(root).create("bench review")
    settings = project.settings(Settings())
    embedder = get_embedder(settings)
    with project.open_store() as store:
        ingest([args.source], store, settings, embedder)
        text = args.report.read_text(encoding="utf-8")
        run_id = save_check_run(store, args.report, text, validate(text, store, None,
                                                                   embedder=embedder))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCENT_")}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(root), str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            for _ in range(300):
                try:
                    if client.get("/api/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            api = f"/api/projects/{project.slug}/runs/{run_id}"
            state = client.get(f"{api}/review").json()
            pages: list[float] = []
            saves: list[float] = []
            n = len(state["items"])
            for k in range(n):
                item = state["items"][k]
                ev = item["evidence"]
                if ev and item["evidence_view"] and item["evidence_view"]["pdf"]:
                    t0 = time.perf_counter()
                    r = client.get(f"{api}/passages/{ev['passage_id']}/page.png",
                                   params={"q": ev["text"][:300]})
                    r.raise_for_status()
                    pages.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                r = client.post(f"{api}/review", json={"seen": state["seq"], "decisions": [
                    {"id": item["id"], "action": "confirmed"}]})
                r.raise_for_status()
                saves.append(time.perf_counter() - t0)
                state = r.json()
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"sentences reviewed {n} ({args.report.name}); {os.cpu_count()} cores")
    print(f"page render p50 {1000 * _pct(pages, .5):.0f} ms p95 {1000 * _pct(pages, .95):.0f} ms"
          f" ({len(pages)} pages)")
    print(f"save and next sentence p50 {1000 * _pct(saves, .5):.0f} ms "
          f"p95 {1000 * _pct(saves, .95):.0f} ms")
    print(f"after the review: {state['line']}")


if __name__ == "__main__":
    main()
