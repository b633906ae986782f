// Docent's local web app: one page, vanilla JS, talks to the JSON API under /api.
// Views by location hash: #/ (welcome), #/p/<slug> (project, with its class checks),
// #/p/<slug>/r/<id> (run).
// Everything the server sends is put in the page as text (textContent), never as HTML.
// A server with accounts (docent serve --accounts): /api/me answers 401 until one logs in (the
// login form is shown), and every state-changing request sends the session's CSRF token.
"use strict";

const $ = (id) => document.getElementById(id);
const FINAL = new Set(["done", "failed", "cancelled", "interrupted"]);
const state = { config: null, slug: null, runId: null, timer: null, shownReport: null,
  me: null, csrf: null, accounts: false, batch: null };

async function api(path, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  const method = (options.method || "GET").toUpperCase();
  if (state.csrf && !["GET", "HEAD", "OPTIONS"].includes(method)) {
    headers["X-CSRF-Token"] = state.csrf;
  }
  const response = await fetch(path, { ...options, headers });
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (response.status === 401 && state.accounts) showLogin();
  if (!response.ok) {
    const message = body && body.error ? body.error + (body.fix ? ` (${body.fix})` : "")
      : `${response.status} ${response.statusText}`;
    throw new Error(message);
  }
  return body;
}

function langOf(text) { return /[\u3400-\u9fff\uf900-\ufaff]/.test(text || "") ? "zh" : "en"; }

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
    node.lang = langOf(text);
  }
  if (cls) node.className = cls;
  return node;
}

function showError(id, message) {
  const box = $(id);
  box.textContent = message || "";
  box.hidden = !message;
}

function badge(status) { return el("span", status, `badge ${status}`); }

function fmtDuration(seconds) {
  if (!seconds) return "";
  const s = Math.round(seconds), m = Math.floor(s / 60);
  const two = (n) => String(n).padStart(2, "0");
  return `${Math.floor(m / 60) ? Math.floor(m / 60) + ":" : ""}${two(m % 60)}:${two(s % 60)}`;
}

function fmtSize(n) {
  return n >= 1048576 ? `${Math.round(n / 1048576)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
}

function clearTimer() { if (state.timer) { clearTimeout(state.timer); state.timer = null; } }

// --- projects ----------------------------------------------------------------------------

async function loadProjects() {
  const { projects } = await api("/api/projects");
  const list = $("project-list");
  list.replaceChildren();
  for (const p of projects) {
    const li = el("li");
    const a = el("a", p.name);
    a.href = `#/p/${encodeURIComponent(p.slug)}`;
    li.append(a);
    if (p.owner && !p.mine) li.append(el("span", ` · ${p.owner}`, "muted"));
    if (p.slug === state.slug) li.classList.add("active");
    list.append(li);
  }
}

async function createProject(event) {
  event.preventDefault();
  showError("project-error", "");
  try {
    const p = await api("/api/projects", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: $("project-name").value }),
    });
    $("project-name").value = "";
    location.hash = `#/p/${encodeURIComponent(p.slug)}`;
  } catch (e) { showError("project-error", e.message); }
}

async function showProject(slug) {
  $("welcome").hidden = true; $("run-view").hidden = true; $("project-view").hidden = false;
  const p = await api(`/api/projects/${encodeURIComponent(slug)}`);
  $("project-title").textContent = p.name;
  $("project-title").lang = langOf(p.name);
  renderSources(p);
  renderRuns(p);
  const checking = await loadClass(slug);
  const busy = checking || p.uploads.some((u) => !FINAL.has(u.status))
    || p.runs.some((r) => !FINAL.has(r.status));
  clearTimer();
  if (busy) state.timer = setTimeout(() => route(), 1500);
}

function renderSources(p) {
  const body = $("sources-table").tBodies[0];
  body.replaceChildren();
  for (const s of p.sources) {
    const tr = el("tr");
    const size = s.pages ? `${s.pages} pages` : fmtDuration(s.duration);
    for (const v of [s.kind, s.title, s.passages, size, s.file]) tr.append(el("td", v));
    body.append(tr);
  }
  $("no-sources").hidden = p.sources.length > 0;
  const jobs = $("upload-jobs");
  jobs.replaceChildren();
  for (const u of p.uploads.slice(0, 20)) {
    const li = el("li");
    li.append(el("span", u.file + " "), badge(u.status));
    const pr = u.progress;
    if (u.status === "running" && pr) {
      li.append(el("span", ` ${pr.stage} ${pr.done}/${pr.total}`, "muted"));
    }
    if (u.error) li.append(el("div", u.error, "error"));
    else if (u.result && u.status === "done") li.append(el("span", ` ${u.result}`, "muted"));
    jobs.append(li);
  }
}

function renderRuns(p) {
  const list = $("run-list");
  list.replaceChildren();
  for (const r of p.runs) {
    const li = el("li");
    const a = el("a", `Run ${r.id}: ${r.title}`);
    a.href = `#/p/${encodeURIComponent(p.slug)}/r/${r.id}`;
    li.append(a, el("span", " "), badge(r.status));
    if (r.error) li.append(el("div", r.error, "error"));
    list.append(li);
  }
  for (const c of p.checks || []) {  // reports checked with docent check: review them
    const li = el("li");
    const a = el("a", `Check ${c.id}: ${c.title}`);
    a.href = c.review;
    li.append(a, el("span", " "), badge("review"));
    list.append(li);
  }
  $("no-runs").hidden = p.runs.length + (p.checks || []).length > 0;
}

async function uploadFiles(event) {
  event.preventDefault();
  showError("upload-errors", "");
  const files = Array.from($("upload-input").files);
  const errors = [];
  $("upload-button").disabled = true;
  for (const file of files) {
    if (state.config && file.size > state.config.max_upload) {
      errors.push(`${file.name}: the file is larger than the upload limit`);
      continue;
    }
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      const query = `filename=${encodeURIComponent(file.name)}`;
      await api(`/api/projects/${encodeURIComponent(state.slug)}/sources?${query}`,
        { method: "POST", body: form });
    } catch (e) { errors.push(e.message); }
  }
  $("upload-button").disabled = false;
  $("upload-input").value = "";
  showError("upload-errors", errors.join("\n"));
  await showProject(state.slug);
}

async function addLinks(event) {
  event.preventDefault();
  showError("upload-errors", "");
  $("link-button").disabled = true;
  try {
    await api(`/api/projects/${encodeURIComponent(state.slug)}/links`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ links: $("link-input").value }),
    });
    $("link-input").value = "";
  } catch (e) { showError("upload-errors", e.message); }
  $("link-button").disabled = false;
  await showProject(state.slug);
}

async function startRun(event) {
  event.preventDefault();
  showError("run-form-error", "");
  $("start-run").disabled = true;
  try {
    const run = await api(`/api/projects/${encodeURIComponent(state.slug)}/runs`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ assignment: $("assignment").value, fast: $("fast").checked }),
    });
    location.hash = `#/p/${encodeURIComponent(state.slug)}/r/${run.id}`;
  } catch (e) { showError("run-form-error", e.message); }
  finally { $("start-run").disabled = false; }
}

// --- a class check: many reports, one table ----------------------------------------------

function classUrl(slug, batch) {
  return `/api/projects/${encodeURIComponent(slug)}/class-checks${batch ? "/" + batch : ""}`;
}

async function loadClass(slug) {  // true while a report of the shown class is not checked yet
  const { batches } = await api(classUrl(slug));
  const list = $("class-batches");
  list.replaceChildren();
  if (!batches.some((b) => b.batch === state.batch)) {
    state.batch = batches.length ? batches[0].batch : null;  // the newest
  }
  for (const b of batches) {
    const li = el("li");
    const pick = el("button", `${new Date(b.created_at).toLocaleString()} · ${b.reports} reports`,
      "linkish");
    pick.type = "button";
    pick.addEventListener("click", () => { state.batch = b.batch; route(); });
    li.append(pick, el("span", " "), badge(b.status));
    if (b.batch === state.batch) li.classList.add("active");
    list.append(li);
  }
  $("class-view").hidden = !state.batch;
  if (!state.batch) return false;
  const table = await api(classUrl(slug, state.batch));
  renderClass(table);
  return table.status !== "done";
}

function renderClass(table) {
  $("class-title").textContent = `${table.reports} reports: ${table.done} checked`
    + (table.failed + table.cancelled ? `, ${table.failed + table.cancelled} not` : "")
    + (table.no_judge ? " (quick)" : "");
  $("class-csv").href = table.csv;
  $("class-cancel").hidden = table.status === "done";
  const body = $("class-table").tBodies[0];
  body.replaceChildren();
  for (const r of table.rows) {
    const tr = el("tr");
    tr.append(el("td", r.student));
    const status = el("td");
    status.append(badge(r.status));
    const p = r.progress;
    if (r.status === "running" && p) {
      status.append(el("span", ` ${p.stage} ${p.done}/${p.total}`, "muted"));
    }
    tr.append(status);
    const counted = "verified" in r;
    tr.append(el("td", counted ? `${r.verified} of ${r.cited}` : ""),
      el("td", counted ? r.confirmed : ""), el("td", counted ? r.unverified : ""),
      el("td", counted ? r.red : ""), el("td", counted ? r.errors : ""));
    const worst = el("td");
    if (r.error) worst.append(el("div", r.error, "error"));
    const findings = el("ul", null, "worst");
    for (const w of r.worst || []) findings.append(el("li", w));
    if ((r.worst || []).length) worst.append(findings);
    tr.append(worst);
    const link = el("td");
    if (r.review) {
      const a = el("a", "Review");
      a.href = r.review;
      link.append(a);
    }
    tr.append(link);
    body.append(tr);
  }
}

async function checkClass(event) {
  event.preventDefault();
  showError("class-errors", "");
  const junk = (f) => /^[.~]|^Thumbs\.db$|^desktop\.ini$/i.test(f.name);  // system files
  const files = [...$("class-input").files, ...$("class-folder").files].filter((f) => !junk(f));
  if (!files.length) {
    showError("class-errors", "Choose the reports (files, a folder or a .zip) first.");
    return;
  }
  const form = new FormData();
  for (const f of files) form.append("files", f, f.name);
  if ($("class-quick").checked) form.append("no_judge", "1");
  $("class-button").disabled = true;
  try {
    const made = await api(classUrl(state.slug), { method: "POST", body: form });
    state.batch = made.batch;
    showError("class-errors", made.rejected.length
      ? `Not checked:\n${made.rejected.join("\n")}` : "");
    $("class-form").reset();
  } catch (e) { showError("class-errors", e.message); }
  $("class-button").disabled = false;
  await route();
}

async function cancelClass() {
  try { await api(`${classUrl(state.slug, state.batch)}/cancel`, { method: "POST" }); }
  catch (e) { showError("class-errors", e.message); }
  route();
}

// --- a run -------------------------------------------------------------------------------

async function showRun(slug, runId) {
  $("welcome").hidden = true; $("project-view").hidden = true; $("run-view").hidden = false;
  $("back-to-project").href = `#/p/${encodeURIComponent(slug)}`;
  let run;
  try { run = await api(`/api/projects/${encodeURIComponent(slug)}/runs/${runId}`); }
  catch (e) { showError("run-error", e.message); return; }
  $("run-id").textContent = run.id;
  $("run-status").replaceWith(Object.assign(badge(run.status), { id: "run-status" }));
  $("run-title").textContent = run.assignment;
  $("run-title").lang = langOf(run.assignment);
  showError("run-error",
    run.status === "failed" ? `The run failed: ${run.error}` : (run.error || ""));
  renderProgress(run);
  $("cancel-run").hidden = FINAL.has(run.status);
  if (run.status === "done" && run.links) renderResult(run);
  else $("result-panel").hidden = true;
  clearTimer();
  if (!FINAL.has(run.status)) state.timer = setTimeout(() => route(), 1000);
}

function renderProgress(run) {
  const p = run.progress || { stage: run.status, done: 0, total: 1 };
  $("run-stage").textContent = p.stage;
  $("run-count").textContent = p.total > 1 ? `${p.done} / ${p.total}` : "";
  $("run-progress").max = Math.max(1, p.total);
  $("run-progress").value = run.status === "done" ? Math.max(1, p.total) : p.done;
  const sections = $("run-sections");
  sections.replaceChildren();
  for (const s of run.sections || []) {
    const li = el("li", s.title);
    if (s.done || run.status === "done") li.classList.add("done");
    sections.append(li);
  }
  const stages = $("run-stages");
  stages.replaceChildren();
  for (const s of run.stages || []) {
    const li = el("li");
    const bar = document.createElement("progress");
    bar.max = Math.max(1, s.total); bar.value = s.done;
    li.append(el("span", s.stage), bar, el("span", `${s.done}/${s.total}`, "muted"));
    stages.append(li);
  }
}

function renderResult(run) {
  $("result-panel").hidden = false;
  const v = run.validation || {};
  const box = $("validation-box");
  box.replaceChildren();
  const cited = v.covered ?? v.claims_checked;
  const stats = [
    ["cited sentences", cited == null ? "-" : `verified ${v.supported ?? 0} of ${cited}`
      + (cited ? ` (${v.verified_pct ?? v.supported_pct ?? 0}%)` : "")],
    ["not verified: check these", v.unverified ?? 0],
    ["partially supported", v.partially_supported], ["not supported", v.not_supported],
    ["uncited", v.uncited], ["errors", v.errors], ["warnings", v.warnings],
    ["length", v.length == null ? "-"
      : `${v.length}${v.length_range ? " (" + v.length_range + ")" : ""}`],
    ["repairs", v.repairs],
  ];
  for (const [k, val] of stats) {
    const d = el("div");
    d.append(el("dt", k), el("dd", val ?? "-"));
    box.append(d);
  }
  const L = run.links;
  $("dl-md").href = L.md; $("dl-docx").href = L.docx; $("dl-html").href = L.html_download;
  $("dl-vjson").href = L.validation_json; $("dl-vmd").href = L.validation_md;
  if ($("review-link")) $("review-link").href = L.review;
  const key = `${state.slug}/${run.id}`;
  if (state.shownReport !== key) {
    $("report-frame").src = L.html;
    state.shownReport = key;
  }
}

async function cancelRun() {
  try {
    await api(`/api/projects/${encodeURIComponent(state.slug)}/runs/${state.runId}/cancel`,
      { method: "POST" });
  } catch (e) { showError("run-error", e.message); }
  route();
}

// --- people (a server with accounts) -------------------------------------------------------

function showLogin() {
  clearTimer();
  state.me = null; state.csrf = null;
  $("login-view").hidden = false; $("app-main").hidden = true; $("user-box").hidden = true;
}

function showMe(me) {
  state.me = me; state.csrf = me.csrf; state.accounts = true;
  $("login-view").hidden = true; $("app-main").hidden = false; $("user-box").hidden = false;
  $("user-name").textContent = `${me.name} (${me.role})`;
  $("courses-pane").hidden = false;
  $("course-form").hidden = me.role !== "teacher";
  $("join-form").hidden = me.role !== "student";
  const list = $("course-list");
  list.replaceChildren();
  for (const c of me.courses) {
    const li = el("li");
    li.append(el("strong", c.name));
    if (c.students) li.append(el("span", ` · code ${c.code} · ${c.students.length} students`, "muted"));
    else if (c.teacher) li.append(el("span", ` · ${c.teacher}`, "muted"));
    if (c.assignment) li.append(el("div", c.assignment, "assignment-text"));
    list.append(li);
  }
}

async function loadMe() {  // true when the app can be shown
  let response;
  try { response = await fetch("/api/me", { headers: { Accept: "application/json" } }); }
  catch (e) { return true; }
  if (response.status === 404) return true;  // the one-person app: no accounts
  state.accounts = true;
  if (!response.ok) { showLogin(); return false; }
  showMe(await response.json());
  return true;
}

async function enter(path, body) {
  showError("login-error", "");
  try {
    showMe(await api(path, { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) }));
    route();
  } catch (e) { showError("login-error", e.message); }
}

function login(event) {
  event.preventDefault();
  enter("/api/login", { email: $("login-email").value, password: $("login-password").value });
}

function signup(event) {
  event.preventDefault();
  const code = $("signup-code").value.trim(), invite = $("signup-invite").value.trim();
  enter("/api/signup", { name: $("signup-name").value, email: $("signup-email").value,
    password: $("signup-password").value, role: code && !invite ? "student" : "teacher",
    code: code || null, invite: invite || null });
}

async function logout() {
  try { await api("/api/logout", { method: "POST" }); } catch (e) { /* shown below anyway */ }
  location.hash = "#/";
  showLogin();
}

async function courseAction(event, path, body) {
  event.preventDefault();
  showError("course-error", "");
  try {
    await api(path, { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) });
    event.target.reset();
    await loadMe();
    await loadProjects();
  } catch (e) { showError("course-error", e.message); }
}

// --- routing -----------------------------------------------------------------------------

async function route() {
  clearTimer();
  if (state.accounts && !state.me) return;  // the login form is showing
  const m = location.hash.match(/^#\/p\/([^/]+)(?:\/r\/(\d+))?/);
  const slug = m ? decodeURIComponent(m[1]) : null;
  const runId = m && m[2] ? Number(m[2]) : null;
  if (slug !== state.slug || runId !== state.runId) state.shownReport = null;
  state.slug = slug; state.runId = runId;
  try {
    await loadProjects();
    if (!slug) {
      $("welcome").hidden = false; $("project-view").hidden = true; $("run-view").hidden = true;
    } else if (runId === null) await showProject(slug);
    else await showRun(slug, runId);
  } catch (e) {
    showError("project-error", e.message);
    state.timer = setTimeout(() => route(), 3000);
  }
}

async function init() {
  $("new-project").addEventListener("submit", createProject);
  $("upload-form").addEventListener("submit", uploadFiles);
  $("link-form").addEventListener("submit", addLinks);
  $("run-form").addEventListener("submit", startRun);
  $("cancel-run").addEventListener("click", cancelRun);
  $("class-form").addEventListener("submit", checkClass);
  $("class-cancel").addEventListener("click", cancelClass);
  $("login-form").addEventListener("submit", login);
  $("signup-form").addEventListener("submit", signup);
  $("logout").addEventListener("click", logout);
  $("course-form").addEventListener("submit", (e) => courseAction(e, "/api/courses",
    { name: $("course-name").value, assignment: $("course-assignment").value }));
  $("join-form").addEventListener("submit", (e) => courseAction(e, "/api/courses/join",
    { code: $("join-code").value }));
  window.addEventListener("hashchange", route);
  $("assignment").addEventListener("input", (e) => { e.target.lang = langOf(e.target.value); });
  try {
    state.config = await api("/api/config");
    $("upload-input").accept = state.config.accept.join(",");
    $("upload-hint").textContent = `Accepted: ${state.config.accept.join(" ")}; `
      + `at most ${fmtSize(state.config.max_upload)} each.`;
    const h = await api("/api/health");
    $("health").textContent = `v${h.version} · model ${state.config.llm}`;
  } catch (e) { $("health").textContent = "server not reachable"; }
  if (await loadMe()) route();
}

document.addEventListener("DOMContentLoaded", init);
