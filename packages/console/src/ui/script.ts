/**
 * The UI's script, served as a file (the CSP allows no inline script). Plain
 * browser JavaScript with no dependency and no build step: it calls the JSON
 * API and builds every element with `textContent`, so payloads and receiver
 * responses, which attackers control, always render as text.
 *
 * @module
 */
export const SCRIPT = String.raw`
const base = document.documentElement.dataset.base || "";
const $ = (id) => document.getElementById(id);
const state = { token: null, session: null, cursor: null, filter: {}, detailId: null };

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}
function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) {
    const td = document.createElement("td");
    if (cell instanceof Node) td.append(cell); else td.textContent = cell === undefined || cell === null ? "" : String(cell);
    tr.append(td);
  }
  return tr;
}
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "");
const badge = (status) => el("span", status === "dead" ? "failed" : status, "badge status-" + status);
function say(text, isError) { const m = $("message"); m.textContent = text; m.className = isError ? "message error" : "message"; }

async function api(path, options) {
  const init = Object.assign({ headers: {} }, options || {});
  if (state.token) init.headers.authorization = "Bearer " + state.token;
  if (init.method === "POST") {
    init.headers["content-type"] = "application/json";
    if (state.session) init.headers["x-csrf-token"] = state.session.csrfToken;
  }
  const response = await fetch(base + "/api" + path, init);
  if (response.status === 401) { showLogin("The token was refused or has expired."); throw new Error("unauthorized"); }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || body.title || ("HTTP " + response.status));
  return body;
}

function showLogin(error) {
  $("app").hidden = true; $("login").hidden = false; $("login-error").textContent = error || "";
}

function can(action) {
  const s = state.session;
  return s && s.role === "operator" && s.capabilities[action];
}
function applyRole() {
  const s = state.session;
  $("who").textContent = s.role + (s.scoped ? " (portal)" : "") + " · " + s.source;
  const notes = s.capabilities.notes.slice();
  if (s.role !== "operator") notes.unshift("Read-only: this token is a viewer's.");
  $("notes").textContent = notes.join(" ");
  for (const button of document.querySelectorAll("button[data-action]")) {
    const action = button.dataset.action;
    button.disabled = !can(action);
    button.title = button.disabled ? (s.role !== "operator" ? "Needs the operator role" : "Not possible with this source") : "";
  }
  $("chart-section").hidden = !s.capabilities.stats;
}

function confirmAction(text) {
  return new Promise((resolve) => {
    const dialog = $("confirm");
    $("confirm-text").textContent = text;
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "yes"), { once: true });
    dialog.showModal();
  });
}

async function loadEndpoints() {
  const { items } = await api("/endpoints");
  const rows = $("endpoint-rows"); rows.replaceChildren();
  const select = $("filter-endpoint"); const chosen = select.value;
  select.replaceChildren(el("option", "any"));
  select.firstChild.value = "";
  for (const e of items) {
    const option = el("option", e.id); option.value = e.id; select.append(option);
    const toggle = el("button", e.state === "disabled" ? "Enable" : "Disable");
    toggle.dataset.action = "toggleEndpoints";
    toggle.disabled = !can("toggleEndpoints");
    toggle.addEventListener("click", () => toggleEndpoint(e));
    const rate = e.failureRate === undefined ? "" : Math.round(e.failureRate * 100) + "%";
    rows.append(row([e.id, e.url, e.state + (e.disabledReason ? " (" + e.disabledReason + (e.disabledReceiverCode ? ": " + e.disabledReceiverCode : "") + ")" : ""), e.circuit, rate, when(e.lastSuccessAt), e.pending, toggle]));
  }
  select.value = chosen;
}

async function toggleEndpoint(e) {
  const enable = e.state === "disabled";
  if (!(await confirmAction((enable ? "Enable" : "Disable") + " endpoint " + e.id + "?"))) return;
  try { await api("/endpoints/" + encodeURIComponent(e.id) + (enable ? "/enable" : "/disable"), { method: "POST", body: "{}" }); say("Endpoint " + e.id + (enable ? " enabled." : " disabled.")); }
  catch (error) { say(error.message, true); }
  await loadEndpoints();
}

function readFilter() {
  const f = {};
  const put = (name, value) => { if (value) f[name] = value; };
  put("status", $("filter-status").value); put("endpoint", $("filter-endpoint").value); put("event", $("filter-event").value.trim());
  const since = $("filter-since").value; const until = $("filter-until").value;
  if (since) f.since = new Date(since).toISOString();
  if (until) f.until = new Date(until).toISOString();
  return f;
}

async function loadDeliveries(more) {
  if (!more) { state.cursor = null; $("delivery-rows").replaceChildren(); }
  const params = new URLSearchParams(state.filter);
  params.set("limit", "50");
  if (more && state.cursor) params.set("cursor", state.cursor);
  const page = await api("/deliveries?" + params.toString());
  for (const d of page.items) {
    const tr = row([when(d.createdAt), d.event, d.endpointId, badge(d.status), d.attempts, d.lastResponseStatus || d.lastErrorKind || ""]);
    tr.className = "delivery"; tr.tabIndex = 0; tr.dataset.id = d.id;
    tr.addEventListener("click", () => openDetail(d.id));
    tr.addEventListener("keydown", (event) => { if (event.key === "Enter") openDetail(d.id); });
    $("delivery-rows").append(tr);
  }
  state.cursor = page.nextCursor || null;
  $("more").hidden = !state.cursor;
}

async function openDetail(id) {
  state.detailId = id;
  const d = await api("/deliveries/" + encodeURIComponent(id));
  $("detail").hidden = false;
  $("detail-id").textContent = d.id;
  const status = $("detail-status"); status.textContent = d.status === "dead" ? "failed" : d.status; status.className = "badge status-" + d.status;
  $("detail-headers").textContent = Object.entries(d.request.headers).map((pair) => pair[0] + ": " + pair[1]).join("\n");
  $("detail-payload").textContent = d.payload;
  const rows = $("detail-attempts"); rows.replaceChildren();
  for (const a of d.attemptLog) rows.append(row([a.attempt, when(a.startedAt), Math.round(a.durationMs) + " ms", a.responseStatus || "", (a.errorKind || "") + (a.errorMessage ? ": " + a.errorMessage : ""), a.responseBodyExcerpt ? el("pre", a.responseBodyExcerpt) : ""]));
  $("redeliver").disabled = !can("redeliver") || d.status === "pending";
  return d;
}

async function redeliver() {
  const id = state.detailId;
  if (!id || !(await confirmAction("Send delivery " + id + " again?"))) return;
  try {
    const result = await api("/deliveries/" + encodeURIComponent(id) + "/redeliver", { method: "POST", body: "{}" });
    say(result.deferred ? "Redelivery requested: the process that delivers this endpoint sends it shortly." : "Redelivery queued.");
    for (let i = 0; i < 30; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (state.detailId !== id) return;
      const d = await openDetail(id);
      if (d.status !== "pending" && d.status !== "dead") break;
    }
    await loadDeliveries(false);
  } catch (error) { say(error.message, true); }
}

async function bulkRetry() {
  if (!(await confirmAction("Retry every failed (dead) delivery matching the filters?"))) return;
  const filter = Object.assign({}, state.filter, { status: "dead" });
  try { const r = await api("/deliveries/retry", { method: "POST", body: JSON.stringify(filter) }); say(r.redelivered + " deliveries queued again" + (r.deferred ? " (requested)." : ".")); }
  catch (error) { say(error.message, true); }
}

async function recover() {
  const since = $("recover-since").value;
  if (!since) { say("Choose the time the outage began.", true); return; }
  if (!(await confirmAction("Redeliver every failed delivery since " + new Date(since).toLocaleString() + "?"))) return;
  const body = { since: new Date(since).toISOString() };
  if (state.filter.endpoint) body.endpoint = state.filter.endpoint;
  try { const r = await api("/recover", { method: "POST", body: JSON.stringify(body) }); say(r.redelivered + " deliveries queued again" + (r.deferred ? " (requested)." : ".")); }
  catch (error) { say(error.message, true); }
}

async function loadChart() {
  if (!state.session.capabilities.stats) return;
  const { items } = await api("/stats");
  const svg = $("chart"); svg.replaceChildren();
  const max = Math.max(1, ...items.map((m) => m.delivered + m.failed));
  const width = 600 / Math.max(1, items.length);
  items.forEach((m, i) => {
    let y = 120;
    for (const [value, kind] of [[m.delivered, "ok"], [m.failed, "bad"]]) {
      if (!value) continue;
      const h = (value / max) * 116;
      y -= h;
      const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      rect.setAttribute("x", String(i * width)); rect.setAttribute("y", String(y));
      rect.setAttribute("width", String(Math.max(1, width - 1))); rect.setAttribute("height", String(h));
      rect.setAttribute("class", kind);
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = new Date(m.minute).toLocaleTimeString() + ": " + m.delivered + " delivered, " + m.failed + " failed";
      rect.append(title); svg.append(rect);
    }
  });
}

let refreshTimer = null;
function refreshSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(async () => {
    refreshTimer = null;
    try {
      await loadEndpoints(); await loadChart();
      if (!state.cursor || $("delivery-rows").children.length <= 50) await loadDeliveries(false);
      if (state.detailId) await openDetail(state.detailId);
    } catch (error) { say(error.message, true); }
  }, 300);
}

async function live() {
  if (!state.session.capabilities.live) return;
  for (let round = 0; round < 1000; round++) {
    try {
      const headers = state.token ? { authorization: "Bearer " + state.token } : {};
      const response = await fetch(base + "/api/events", { headers });
      if (!response.ok || !response.body) return;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (value.includes("event: change")) refreshSoon();
      }
    } catch (error) { /* the stream broke: reconnect below */ }
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

async function start() {
  try { state.session = await api("/session"); } catch (error) { if (error.message !== "unauthorized") showLogin(error.message); return; }
  $("login").hidden = true; $("app").hidden = false;
  applyRole();
  state.filter = readFilter();
  await Promise.all([loadEndpoints(), loadDeliveries(false), loadChart()]).catch((error) => say(error.message, true));
  live();
}

function init() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) { sessionStorage.setItem("attesta-console-token", fromHash); history.replaceState(null, "", location.pathname + location.search); }
  state.token = sessionStorage.getItem("attesta-console-token");
  $("login-form").addEventListener("submit", (event) => { event.preventDefault(); state.token = $("login-token").value.trim(); sessionStorage.setItem("attesta-console-token", state.token); start(); });
  $("filters").addEventListener("submit", (event) => { event.preventDefault(); state.filter = readFilter(); loadDeliveries(false).catch((error) => say(error.message, true)); });
  $("more").addEventListener("click", () => loadDeliveries(true).catch((error) => say(error.message, true)));
  $("detail-close").addEventListener("click", () => { state.detailId = null; $("detail").hidden = true; });
  $("redeliver").addEventListener("click", redeliver);
  $("bulk-retry").addEventListener("click", bulkRetry);
  $("recover").addEventListener("click", recover);
  start();
}
init();
`;
