// Docent's review view (#/p/<slug>/r/<run>): the sentences Docent could not verify, riskiest
// first, each beside its evidence (the PDF page with the quote highlighted, or the passage);
// keys: c confirm, x remove, e rewrite (Ctrl+Enter saves, Esc cancels), r re-cite to the
// runner-up, u undo, n note, j/k or arrows next/previous, 1/2 best/runner-up evidence.
// Everything from the server goes into the page as text, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const S = { slug: null, run: null, data: null, pos: 0, tab: "best", busy: false, csrf: null };

const WORDS = {
  en: {
    confirm: "Confirm (c)", remove: "Remove (x)", edit: "Rewrite (e)", recite: "Cite runner-up (r)",
    undo: "Undo (u)", note: "Note (n)", prev: "Previous (k)", next: "Next (j)",
    best: "Located evidence (1)", runner: "Runner-up (2)",
    keys: "Keys: c confirm · x remove · e rewrite · r cite the runner-up · u undo · n note · j/k next/previous · 1/2 evidence",
    progress: (a, b) => `${a} of ${b} reviewed`, of: (a, b) => `${a} / ${b}`,
    status: { unsupported: "not supported", partial: "partly supported", unverified: "unverified" },
    decided: { confirmed: "you confirmed it", removed: "you removed it", rewritten: "you rewrote it",
      recited: "you re-cited it" },
    editHint: "Ctrl+Enter saves, Esc cancels; the citation stays.",
    notePh: "a note (Enter saves)", noRunner: "no runner-up", score: "score",
    moment: "open the recording at",
    done: "Review finished", back: "Back to the project", none: "Nothing to review: Docent verified every cited sentence.",
  },
  zh: {
    confirm: "确认有据 (c)", remove: "删除 (x)", edit: "改写 (e)", recite: "改引次选证据 (r)",
    undo: "撤销 (u)", note: "备注 (n)", prev: "上一句 (k)", next: "下一句 (j)",
    best: "定位到的证据 (1)", runner: "次选证据 (2)",
    keys: "快捷键：c 确认 · x 删除 · e 改写 · r 改引次选 · u 撤销 · n 备注 · j/k 下一句/上一句 · 1/2 切换证据",
    progress: (a, b) => `已审阅 ${a} / ${b}`, of: (a, b) => `${a} / ${b}`,
    status: { unsupported: "不支持", partial: "部分支持", unverified: "未核实" },
    decided: { confirmed: "已确认有据", removed: "已删除", rewritten: "已改写", recited: "已改引" },
    editHint: "Ctrl+Enter 保存，Esc 取消；引用保持不变。",
    notePh: "备注（回车保存）", noRunner: "没有次选证据", score: "得分",
    moment: "打开录像：",
    done: "审阅完成", back: "返回项目", none: "无需审阅：所有引用句均已由 Docent 核实。",
  },
};
let W = WORDS.en;

function base() {
  return `/api/projects/${encodeURIComponent(S.slug)}/runs/${S.run}`;
}

async function api(path, options = {}) {
  const headers = { Accept: "application/json", "Content-Type": "application/json" };
  if (S.csrf && options.method && options.method !== "GET") headers["X-CSRF-Token"] = S.csrf;
  const response = await fetch(path, { headers, ...options });
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!response.ok) {
    const message = body && body.error ? body.error + (body.fix ? ` (${body.fix})` : "")
      : `${response.status} ${response.statusText}`;
    const err = new Error(message);
    err.status = response.status;
    throw err;
  }
  return body;
}

function showError(message) {
  $("error").textContent = message || "";
  $("error").hidden = !message;
}

function labels() {
  const map = { "b-confirm": "confirm", "b-remove": "remove", "b-edit": "edit", "b-recite": "recite",
    "b-undo": "undo", "b-note": "note", "b-prev": "prev", "b-next": "next", "t-best": "best",
    "t-runner": "runner" };
  for (const [id, key] of Object.entries(map)) $(id).textContent = W[key];
  $("keys").textContent = W.keys;
  $("edit-hint").textContent = W.editHint;
  $("note-text").placeholder = W.notePh;
  document.documentElement.lang = S.data.language;
}

async function load() {
  const m = location.hash.match(/^#\/p\/([^/]+)\/r\/(\d+)/);
  if (!m) { showError("no run: open /review#/p/<project>/r/<run>"); return; }
  S.slug = decodeURIComponent(m[1]);
  S.run = Number(m[2]);
  try {  // a server with accounts: the session's CSRF token goes with every decision
    const me = await fetch("/api/me", { headers: { Accept: "application/json" } });
    if (me.ok) S.csrf = (await me.json()).csrf;
  } catch (e) { S.csrf = null; }
  try {
    S.data = await api(`${base()}/review`);
  } catch (e) { showError(e.message); return; }
  W = WORDS[S.data.language] || WORDS.en;
  labels();
  $("title").textContent = S.data.title;
  $("back").href = `/#/p/${encodeURIComponent(S.slug)}/r/${S.run}`;
  // start at the first sentence without a decision
  const first = S.data.items.findIndex((i) => !i.decision);
  S.pos = first >= 0 ? first : 0;
  $("main").hidden = false;
  render();
}

function progress() {
  const items = S.data.items;
  const done = items.filter((i) => i.decision).length;
  $("progress-text").textContent = W.progress(done, items.length);
  $("progress-fill").style.width = items.length ? `${(100 * done) / items.length}%` : "100%";
}

function render() {
  progress();
  const items = S.data.items;
  if (!items.length) {
    $("main").hidden = true;
    $("done").hidden = false;
    $("done-title").textContent = W.done;
    $("done-line").textContent = `${W.none} ${S.data.line}`;
    $("done-back").textContent = W.back;
    $("done-back").href = $("back").href;
    return;
  }
  const item = items[S.pos];
  $("position").textContent = W.of(S.pos + 1, items.length);
  $("section").textContent = item.section || "";
  $("status").textContent = W.status[item.status] || item.status;
  $("status").className = `status ${item.status}`;
  $("sentence").textContent = item.decision && item.decision.action === "rewritten"
    ? item.decision.text : item.text;
  $("sentence").lang = S.data.language;
  $("reason").textContent = item.reason || "";
  $("reason").hidden = !item.reason;
  const d = item.decision;
  $("decision").textContent = d ? W.decided[d.action] + (d.note ? ` · ${d.note}` : "") : "";
  $("decision").hidden = !d;
  $("editor").hidden = true;
  $("note-box").hidden = true;
  $("b-recite").disabled = !item.runner_up;
  $("t-runner").disabled = !item.runner_up;
  showEvidence();
  if (S.pos === items.length - 1 && items.every((i) => i.decision)) {
    $("done").hidden = false;
    $("done-title").textContent = W.done;
    $("done-line").textContent = S.data.line;
    $("done-back").textContent = W.back;
    $("done-back").href = $("back").href;
  } else {
    $("done").hidden = true;
  }
}

async function showEvidence() {
  const item = S.data.items[S.pos];
  const ev = S.tab === "runner" && item.runner_up ? item.runner_up : item.evidence;
  const view = S.tab === "runner" ? item.runner_view : item.evidence_view;
  $("t-best").classList.toggle("active", S.tab === "best");
  $("t-runner").classList.toggle("active", S.tab === "runner");
  $("page").hidden = true;
  $("passage").hidden = true;
  if (!ev) {
    $("place").textContent = W.noRunner;
    $("quote").textContent = "";
    return;
  }
  const score = ev.score == null ? "" : ` · ${W.score} ${Number(ev.score).toFixed(2)}`;
  $("place").textContent = `${ev.source || ""}, ${ev.locator || ""}${score}`;
  $("quote").textContent = ev.text;
  const want = `${S.run}/${S.pos}/${S.tab}`;
  if (view && view.pdf && ev.passage_id) {
    const img = $("page");
    img.src = `${base()}/passages/${ev.passage_id}/page.png?q=${encodeURIComponent(ev.text.slice(0, 300))}`;
    img.alt = ev.locator || "";
    img.hidden = false;
  } else if (ev.passage_id) {
    try {
      const p = await api(`${base()}/passages/${ev.passage_id}`);
      if (want !== `${S.run}/${S.pos}/${S.tab}`) return;
      const box = $("passage");
      box.textContent = "";
      const at = p.text.indexOf(ev.text.slice(0, 60));
      if (at >= 0) {
        const end = Math.min(p.text.length, at + ev.text.length);
        box.append(p.text.slice(0, at));
        const mark = document.createElement("mark");
        mark.textContent = p.text.slice(at, end);
        box.append(mark, p.text.slice(end));
      } else {
        box.textContent = p.text;
      }
      box.hidden = false;
      if (p.url && p.start != null) {  // a lecture given by link: open the moment
        const link = document.createElement("a");
        const sep = p.url.includes("?") ? "&" : "?";
        link.href = `${p.url}${sep}t=${Math.floor(p.start)}`;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        link.textContent = `${W.moment} ${ev.locator || ""}`;
        const line = document.createElement("p");
        line.append(link);
        box.append(line);
      }
    } catch (e) { showError(e.message); }
  }
}

async function decide(action, extra = {}) {
  if (S.busy) return;
  const item = S.data.items[S.pos];
  S.busy = true;
  try {
    const next = await api(`${base()}/review`, { method: "POST", body: JSON.stringify({
      seen: S.data.seq, decisions: [{ id: item.id, action, ...extra }] }) });
    const id = item.id;
    S.data = next;
    let pos = S.data.items.findIndex((i) => i.id === id);
    if (action !== "undone") {
      // the next sentence without a decision comes up at once
      const after = S.data.items.findIndex((i, k) => k > pos && !i.decision);
      pos = after >= 0 ? after : Math.min(pos + 1, S.data.items.length - 1);
    }
    S.pos = Math.max(0, pos);
    S.tab = "best";
    showError("");
    render();
  } catch (e) {
    showError(e.message);
    if (e.status === 409) {  // another tab saved first: show what is saved now
      S.data = await api(`${base()}/review`);
      render();
    }
  } finally { S.busy = false; }
}

function move(step) {
  const n = S.data.items.length;
  S.pos = Math.min(n - 1, Math.max(0, S.pos + step));
  S.tab = "best";
  render();
}

function edit() {
  const item = S.data.items[S.pos];
  $("editor").hidden = false;
  $("edit-text").value = item.decision && item.decision.text ? item.decision.text : item.text;
  $("edit-text").focus();
}

function note() {
  $("note-box").hidden = false;
  $("note-text").value = "";
  $("note-text").focus();
}

function onKey(event) {
  if (!S.data || !S.data.items.length) return;
  const target = event.target;
  if (target === $("edit-text")) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      const text = $("edit-text").value.trim();
      if (text) decide("rewritten", { text });
    } else if (event.key === "Escape") {
      $("editor").hidden = true;
    }
    return;
  }
  if (target === $("note-text")) {
    if (event.key === "Enter") {
      event.preventDefault();
      const item = S.data.items[S.pos];
      const action = item.decision ? item.decision.action : "confirmed";
      decide(action, { note: $("note-text").value, text: item.decision ? item.decision.text : null,
        passage_id: item.decision ? item.decision.passage_id : null });
    } else if (event.key === "Escape") {
      $("note-box").hidden = true;
    }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const item = S.data.items[S.pos];
  const keys = {
    c: () => decide("confirmed"), Enter: () => decide("confirmed"),
    x: () => decide("removed"), e: edit, n: note,
    r: () => item.runner_up && decide("recited", { passage_id: item.runner_up.passage_id }),
    u: () => item.decision && decide("undone"),
    j: () => move(1), ArrowDown: () => move(1), ArrowRight: () => move(1),
    k: () => move(-1), ArrowUp: () => move(-1), ArrowLeft: () => move(-1),
    1: () => { S.tab = "best"; showEvidence(); },
    2: () => { if (item.runner_up) { S.tab = "runner"; showEvidence(); } },
  };
  const fn = keys[event.key];
  if (fn) { event.preventDefault(); fn(); }
}

function wire() {
  document.addEventListener("keydown", onKey);
  const click = { "b-confirm": "c", "b-remove": "x", "b-edit": "e", "b-recite": "r", "b-undo": "u",
    "b-note": "n", "b-prev": "k", "b-next": "j", "t-best": "1", "t-runner": "2" };
  for (const [id, key] of Object.entries(click)) {
    $(id).addEventListener("click", () => onKey({ key, target: document.body,
      preventDefault() {} }));
  }
  window.addEventListener("hashchange", load);
}

wire();
load();
