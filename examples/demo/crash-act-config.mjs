// @ts-check
/**
 * What the sender of the crash act sends, shared by the process that is
 * killed and the one that resumes from its file.
 *
 * @module
 */

/** Both endpoints share one secret: this act is about the file, not signatures. */
export const CRASH_ACT_SECRET = "whsec_demo_crash_act";

/**
 * @param {string} ledgerUrl
 * @param {string} auditUrl
 * @returns {import("@attesta/webhooks").WebhookConfig[]}
 */
export function crashActEndpoints(ledgerUrl, auditUrl) {
  return [
    { id: "ledger", url: ledgerUrl, secret: CRASH_ACT_SECRET, concurrency: 1 },
    // Short backoff: the resumed process retries the audit sink soon after it is back.
    { id: "audit", url: auditUrl, secret: CRASH_ACT_SECRET, retryCount: 8, retryBaseDelayMs: 100 },
  ];
}

/**
 * @param {number} n
 * @returns {import("./scenario.mjs").PipelineEmit}
 */
export function crashActEvent(n) {
  return {
    type: "audit_logged",
    data: {
      agent_id: "agent-billing-7",
      action_name: "issue_refund",
      audit_id: `aud_crash_${String(n).padStart(3, "0")}`,
      verdict: "approved",
      risk_score: 0.34,
      risk_level: "medium",
    },
  };
}
