// tmkit's web page: search a memory, keep a glossary, import and export. Talks to /v1/ only.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem("tmkit-token") || "", me: null };

// ---- HTTP ----

async function api(method, path, body, raw) {
  const headers = {};
  if (state.token) headers["Authorization"] = "Bearer " + state.token;
  let payload;
  if (raw !== undefined) { payload = raw; headers["Content-Type"] = "application/octet-stream"; }
  else if (body !== undefined) { payload = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
  const response = await fetch(path, { method, headers, body: payload });
  const type = response.headers.get("Content-Type") || "";
  const data = type.startsWith("application/json") ? await response.json() : await response.blob();
  if (!response.ok) {
    const message = data && data.error ? data.error : response.status + " " + response.statusText;
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return data;
}

const q = (params) => "?" + new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== "")).toString();
const enc = encodeURIComponent;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function say(id, message, isError) {
  const node = $(id);
  node.textContent = message;
  node.classList.toggle("error", !!isError);
}

// ---- Signing in ----

function role(kind, name) {
  if (!state.me) return null;
  const item = state.me[kind].find((x) => x.name === name);
  return item ? item.role : null;
}
const canWrite = (kind, name) => ["write", "admin"].includes(role(kind, name));

async function loadMe() {
  try {
    state.me = await api("GET", "/v1/me");
  } catch (e) {
    state.me = null;
    if (e.status === 401 && state.token) {
      state.token = "";
      sessionStorage.removeItem("tmkit-token");
      say("who", "That token is not known to this server.", true);
    } else if (e.status === 401) {
      say("who", "Sign in with a token to use this server.");
    } else {
      say("who", e.message, true);
    }
  }
  const signedIn = !!(state.me && state.me.token);
  $("signin-button").hidden = signedIn;
  $("token").hidden = signedIn;
  $("token-label").hidden = signedIn;
  $("signout-button").hidden = !signedIn;
  if (state.me) {
    say("who", signedIn ? "Signed in as " + state.me.token
      : state.me.publicRead ? "Reading without a token (public server)" : "Sign in with a token to use this server.");
  }
  fillSelect($("memory"), (state.me ? state.me.memories : []).map((m) => [m.name, m.name]));
  fillSelect($("glossary"), (state.me ? state.me.glossaries : []).map((g) => [g.name, g.name]));
  await memoryChanged();
  await glossaryChanged();
}

function fillSelect(select, options, keep) {
  const before = keep || select.value;
  select.replaceChildren(...options.map(([value, label]) => el("option", { value, text: label })));
  if (options.some(([v]) => v === before)) select.value = before;
}

$("signin").addEventListener("submit", async (event) => {
  event.preventDefault();
  state.token = $("token").value.trim();
  $("token").value = "";
  if (state.token) sessionStorage.setItem("tmkit-token", state.token);
  await loadMe();
});

$("signout-button").addEventListener("click", async () => {
  state.token = "";
  sessionStorage.removeItem("tmkit-token");
  await loadMe();
});

// ---- The memory and its languages ----

async function memoryChanged() {
  const memory = $("memory").value;
  const writer = !!memory && canWrite("memories", memory);
  $("import").hidden = !writer;
  if (!memory) { $("memory-count").textContent = ""; return; }
  try {
    const stats = await api("GET", `/v1/memories/${enc(memory)}/stats`);
    $("memory-count").textContent = `${stats.units} units`;
    $("memory-count").dataset.units = stats.units;
    const langs = stats.languages.map((l) => l.language);
    const pair = stats.pairs[0];
    fillSelect($("source-lang"), langs.map((l) => [l, l]), localStorage.getItem("tmkit-source") || (pair && pair.source));
    fillSelect($("target-lang"), langs.map((l) => [l, l]), localStorage.getItem("tmkit-target") || (pair && pair.target));
    if ($("source-lang").value === $("target-lang").value && langs.length > 1) {
      $("target-lang").value = langs.find((l) => l !== $("source-lang").value);
    }
  } catch (e) {
    $("memory-count").textContent = e.message;
  }
}

$("memory").addEventListener("change", memoryChanged);
for (const id of ["source-lang", "target-lang"]) {
  $(id).addEventListener("change", () => localStorage.setItem(id === "source-lang" ? "tmkit-source" : "tmkit-target", $(id).value));
}
$("swap").addEventListener("click", () => {
  const s = $("source-lang").value;
  $("source-lang").value = $("target-lang").value;
  $("target-lang").value = s;
  localStorage.setItem("tmkit-source", $("source-lang").value);
  localStorage.setItem("tmkit-target", $("target-lang").value);
});

// ---- Search: fuzzy matches and concordance side by side ----

function diffNodes(diff) {
  const out = [];
  diff.forEach((op, i) => {
    if (i > 0) out.push(" ");
    if (op.op === "equal") out.push(op.match);
    else if (op.op === "delete") out.push(el("del", { text: op.match, title: "only in the memory" }));
    else if (op.op === "insert") out.push(el("ins", { text: op.query, title: "only in your text" }));
    else { out.push(el("del", { text: op.match, title: "in the memory" })); out.push(el("ins", { text: op.query, title: "in your text" })); }
  });
  return out;
}

function meta(unit) {
  const parts = [`unit ${unit.id}`];
  if (unit.key) parts.push(`key ${unit.key}`);
  if (unit.file) parts.push(`file ${unit.file}`);
  const by = unit.changedBy || unit.createdBy;
  if (by) parts.push(`by ${by}`);
  if (unit.changed) parts.push(unit.changed.slice(0, 10));
  return el("div", { class: "meta", text: parts.join(" · ") });
}

function matchItem(m) {
  const band = m.score >= 95 ? "high" : m.score >= 75 ? "mid" : "low";
  return el("li", { "data-unit": m.id },
    el("span", { class: `score ${band}`, text: m.score === 101 ? "101% (context)" : `${m.score}%` }),
    el("span", { class: "text", lang: m.sourceLang, dir: "auto" }, el("span", { class: "lang", text: m.sourceLang }), ...diffNodes(m.diff)),
    el("span", { class: "text target", lang: m.targetLang, dir: "auto" }, el("span", { class: "lang", text: m.targetLang || "" }), m.target || "—"),
    meta(m.unit));
}

function marked(text, highlights) {
  const chars = Array.from(text); // highlights are in Unicode scalars
  const out = [];
  let at = 0;
  for (const h of highlights) {
    out.push(chars.slice(at, h.start).join(""));
    out.push(el("mark", { text: chars.slice(h.start, h.end).join("") }));
    at = h.end;
  }
  out.push(chars.slice(at).join(""));
  return out;
}

function concordanceItem(h) {
  const src = h.side === "source" ? marked(h.source, h.highlights) : [h.source];
  const tgt = h.side === "target" ? marked(h.target, h.highlights) : [h.target || "—"];
  return el("li", { "data-unit": h.id },
    el("span", { class: "text", lang: h.sourceLang, dir: "auto" }, el("span", { class: "lang", text: h.sourceLang }), ...src),
    el("span", { class: "text target", lang: h.targetLang, dir: "auto" }, el("span", { class: "lang", text: h.targetLang || "" }), ...tgt),
    el("div", { class: "meta", text: `unit ${h.id} · found in the ${h.side === "source" ? "source" : "translation"}` }));
}

async function search(event) {
  event.preventDefault();
  const memory = $("memory").value;
  const text = $("search-text").value.trim();
  if (!memory || !text) return;
  const sourceLang = $("source-lang").value, targetLang = $("target-lang").value;
  say("search-status", "Searching…");
  try {
    const base = `/v1/memories/${enc(memory)}`;
    const threshold = Math.max(0, Math.min(100, parseInt($("threshold").value || "50", 10)));
    const [matches, inSource, inTarget] = await Promise.all([
      api("POST", `${base}/lookup`, { text, sourceLang, targetLang, threshold, limit: 10 }),
      api("GET", `${base}/concordance` + q({ q: text, sourceLang, targetLang, limit: 20 })),
      api("GET", `${base}/concordance` + q({ q: text, sourceLang, targetLang, side: "target", limit: 20 })),
    ]);
    const seen = new Set();
    const hits = inSource.concat(inTarget).filter((h) => !seen.has(h.id) && seen.add(h.id));
    $("matches").replaceChildren(...(matches.length ? matches.map(matchItem) : [el("li", { class: "muted", text: `No match at or above ${threshold}%.` })]));
    $("concordance").replaceChildren(...(hits.length ? hits.map(concordanceItem) : [el("li", { class: "muted", text: "No unit contains this phrase." })]));
    say("search-status", `${matches.length} fuzzy matches, ${hits.length} units containing the phrase.`);
  } catch (e) {
    say("search-status", e.message, true);
  }
}
$("query").addEventListener("submit", search);
$("search").addEventListener("submit", search);

// ---- Glossary ----

function termsIn(entry, lang) {
  const primary = (lang || "").split("-")[0].toLowerCase();
  return entry.terms.filter((t) => t.lang.split("-")[0].toLowerCase() === primary);
}

function entryRow(entry, writer) {
  const sl = $("source-lang").value || "en", tl = $("target-lang").value || "ru";
  const src = termsIn(entry, sl).map((t) => t.text).join("; ");
  const tgt = termsIn(entry, tl).map((t) => t.text).join("; ");
  const row = el("tr", { "data-entry": entry.id },
    el("td", { lang: sl, dir: "auto", text: src || "—" }),
    el("td", { lang: tl, dir: "auto", text: tgt || "—" }),
    el("td", { dir: "auto", text: entry.note || "" }));
  const actions = el("td", { class: "writer-cell" });
  if (writer) {
    const edit = el("button", { type: "button", class: "plain", text: "Edit", "aria-label": `Edit ${src}` });
    const remove = el("button", { type: "button", class: "danger", text: "Remove", "aria-label": `Remove ${src}` });
    edit.addEventListener("click", () => editRow(row, entry, sl, tl, src, tgt));
    remove.addEventListener("click", async () => {
      if (!confirm(`Remove "${src}"?`)) return;
      try {
        await api("DELETE", `/v1/glossaries/${enc($("glossary").value)}/entries/${entry.id}`);
        await loadTerms();
        say("glossary-status", `Removed "${src}".`);
      } catch (e) { say("glossary-status", e.message, true); }
    });
    actions.append(edit, " ", remove);
  }
  row.append(actions);
  return row;
}

function editRow(row, entry, sl, tl, src, tgt) {
  const s = el("input", { value: src, dir: "auto", "aria-label": `Term (${sl})` });
  const t = el("input", { value: tgt, dir: "auto", "aria-label": `Translation (${tl})` });
  const n = el("input", { value: entry.note || "", dir: "auto", "aria-label": "Note" });
  const save = el("button", { type: "button", text: "Save" });
  const cancel = el("button", { type: "button", class: "plain", text: "Cancel" });
  row.replaceChildren(el("td", {}, s), el("td", {}, t), el("td", {}, n), el("td", {}, save, " ", cancel));
  s.focus();
  cancel.addEventListener("click", loadTerms);
  save.addEventListener("click", async () => {
    const path = `/v1/glossaries/${enc($("glossary").value)}/entries/${entry.id}`;
    try {
      if (s.value.trim() && s.value !== src) await api("PATCH", path, { lang: sl, text: s.value.trim() });
      if (t.value.trim() && t.value !== tgt) await api("PATCH", path, { lang: tl, text: t.value.trim() });
      if (n.value !== (entry.note || "")) await api("PATCH", path, { note: n.value });
      await loadTerms();
      say("glossary-status", "Saved.");
    } catch (e) { say("glossary-status", e.message, true); }
  });
}

// Each load is numbered: an answer that comes back after a newer load began is dropped, so that a
// slow first listing cannot overwrite the answer to the query typed after it.
let termsLoad = 0;
async function loadTerms() {
  const glossary = $("glossary").value;
  const tbody = $("terms").tBodies[0];
  const load = ++termsLoad;
  if (!glossary) { tbody.replaceChildren(); return; }
  const writer = canWrite("glossaries", glossary);
  say("glossary-status", "Loading…");
  try {
    const entries = await api("GET", `/v1/glossaries/${enc(glossary)}/entries` + q({ q: $("glossary-q").value.trim(), limit: 500 }));
    if (load !== termsLoad) return;
    tbody.replaceChildren(...entries.map((e) => entryRow(e, writer)));
    say("glossary-status", `${entries.length} entries.`);
  } catch (e) {
    if (load !== termsLoad) return;
    tbody.replaceChildren();
    say("glossary-status", e.message, true);
  }
}

async function glossaryChanged() {
  const glossary = $("glossary").value;
  const writer = !!glossary && canWrite("glossaries", glossary);
  $("glossary-add").hidden = !writer;
  for (const cell of document.querySelectorAll(".writer-cell")) cell.hidden = !writer;
  await loadTerms();
}

$("glossary").addEventListener("change", glossaryChanged);
$("glossary-search").addEventListener("submit", (event) => { event.preventDefault(); loadTerms(); });
$("glossary-add").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = {
    source: $("term-source").value.trim(), target: $("term-target").value.trim(),
    sourceLang: $("source-lang").value || "en", targetLang: $("target-lang").value || "ru",
  };
  if ($("term-note").value.trim()) body.note = $("term-note").value.trim();
  try {
    const r = await api("POST", `/v1/glossaries/${enc($("glossary").value)}/entries`, body);
    $("glossary-add").reset();
    $("term-source").focus();
    await loadTerms();
    say("glossary-status", r.result === "updated" ? `"${body.source}" was there; updated.` : `Added "${body.source}".`);
  } catch (e) { say("glossary-status", e.message, true); }
});

// ---- Import and export ----

$("import").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = $("import-file").files[0];
  if (!file) return;
  $("import-report").textContent = `Importing ${file.name}…`;
  $("import-report").classList.remove("error");
  try {
    const memory = $("memory").value;
    const r = await api("POST", `/v1/memories/${enc(memory)}/import` + q({ name: file.name, overwrite: $("import-overwrite").checked ? "true" : "" }), undefined, file);
    $("import-report").textContent =
      `${r.file}: ${r.read} units read; ${r.added} added, ${r.alternatives} alternatives, ${r.merged} merged with existing, ${r.replaced} replaced (${r.seconds} s)` +
      (r.skipped.length ? `\n${r.skipped.length} skipped: ` + r.skipped.map((s) => `line ${s.line}: ${s.message}`).join("; ") : "");
    await memoryChanged();
  } catch (e) {
    $("import-report").textContent = e.message;
    $("import-report").classList.add("error");
  }
});

$("export").addEventListener("submit", async (event) => {
  event.preventDefault();
  const memory = $("memory").value;
  const format = $("export-format").value;
  const params = format === "tsv" ? { format, sourceLang: $("source-lang").value, targetLang: $("target-lang").value } : { format };
  try {
    const blob = await api("GET", `/v1/memories/${enc(memory)}/export` + q(params));
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: `${memory}.${format}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) {
    $("import-report").textContent = e.message;
    $("import-report").classList.add("error");
  }
});

loadMe();
