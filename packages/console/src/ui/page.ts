/**
 * The UI's one HTML page: a static shell with no inline script or style, so
 * the Content-Security-Policy can forbid both. Everything shown in it is
 * filled in by the script with `textContent`, never as HTML.
 *
 * @module
 */

const escapeAttribute = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The page, with the base path the script and API live under. */
export function pageHtml(basePath: string): string {
  const base = escapeAttribute(basePath);
  return `<!doctype html>
<html lang="en" data-base="${base}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Attesta deliveries</title>
<link rel="icon" href="${base}/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${base}/assets/console.css">
<script type="module" src="${base}/assets/console.js"></script>
</head>
<body>
<header><h1>Attesta deliveries</h1><span id="who"></span></header>
<section id="login" hidden>
  <form id="login-form"><label>Access token <input id="login-token" type="password" autocomplete="off" required></label> <button type="submit">Open</button></form>
  <p id="login-error" class="error"></p>
</section>
<main id="app" hidden>
  <p id="notes" class="notes"></p>
  <p id="message" class="message" role="status"></p>
  <section><h2>Endpoints</h2>
    <table><thead><tr><th>Endpoint</th><th>URL</th><th>State</th><th>Circuit</th><th>Failure rate</th><th>Last success</th><th>Pending</th><th></th></tr></thead><tbody id="endpoint-rows"></tbody></table>
  </section>
  <section id="chart-section"><h2>Per minute, last hour <span class="legend"><span class="ok">delivered</span> <span class="bad">failed</span></span></h2><svg id="chart" viewBox="0 0 600 120" preserveAspectRatio="none" role="img" aria-label="Deliveries per minute"></svg></section>
  <section><h2>Deliveries</h2>
    <form id="filters">
      <label>Status <select id="filter-status"><option value="">any</option><option value="pending">pending</option><option value="delivered">delivered</option><option value="dead">failed (dead)</option></select></label>
      <label>Endpoint <select id="filter-endpoint"><option value="">any</option></select></label>
      <label>Event <input id="filter-event" size="10" placeholder="DENIED"></label>
      <label>Since <input id="filter-since" type="datetime-local"></label>
      <label>Until <input id="filter-until" type="datetime-local"></label>
      <button type="submit" id="apply">Apply</button>
    </form>
    <p class="actions"><button type="button" id="bulk-retry" data-action="bulkRetry">Retry all matching dead deliveries</button>
      <label>Recover dead since <input id="recover-since" type="datetime-local"></label> <button type="button" id="recover" data-action="bulkRetry">Recover</button></p>
    <table><thead><tr><th>Created</th><th>Event</th><th>Endpoint</th><th>Status</th><th>Attempts</th><th>Last response</th></tr></thead><tbody id="delivery-rows"></tbody></table>
    <button type="button" id="more" hidden>Older deliveries</button>
  </section>
  <section id="detail" hidden><h2>Delivery <code id="detail-id"></code> <span id="detail-status" class="badge"></span></h2>
    <p><button type="button" id="redeliver" data-action="redeliver">Redeliver</button> <button type="button" id="detail-close">Close</button></p>
    <h3>Request headers</h3><pre id="detail-headers"></pre>
    <h3>Payload</h3><pre id="detail-payload"></pre>
    <h3>Attempts</h3>
    <table><thead><tr><th>#</th><th>Started</th><th>Duration</th><th>Response</th><th>Error</th><th>Response body (excerpt)</th></tr></thead><tbody id="detail-attempts"></tbody></table>
  </section>
</main>
<dialog id="confirm"><form method="dialog"><p id="confirm-text"></p><button value="cancel" id="confirm-no">Cancel</button> <button value="yes" id="confirm-yes">Confirm</button></form></dialog>
</body>
</html>
`;
}
