/**
 * One verdict for a request under the scheme(s) a receiver accepts.
 *
 * @module
 */
import type { CheckScheme } from "../scheme";
import { diagnoseAttesta, type SignedRequest } from "./diagnose-attesta";
import { diagnoseStandard, type StandardCheckOptions } from "./diagnose-standard";
import type { Verdict } from "./verdict";

function labelled(label: string, verdict: Verdict): Verdict {
  return { ...verdict, reason: `${label}: ${verdict.reason}` };
}

/**
 * `attesta` and `standard-webhooks` check one header set; `both` needs both to
 * verify; `any` accepts either, and when neither verifies reports the scheme
 * whose headers are present (or both reasons).
 */
export function diagnose(
  request: SignedRequest,
  secrets: readonly string[],
  scheme: CheckScheme,
  options: StandardCheckOptions,
): Verdict {
  if (scheme === "attesta") return diagnoseAttesta(request, secrets);
  if (scheme === "standard-webhooks") return diagnoseStandard(request, secrets, options);
  const attesta = labelled("X-Attesta-Signature", diagnoseAttesta(request, secrets));
  const standard = labelled("webhook-signature", diagnoseStandard(request, secrets, options));
  if (scheme === "both") {
    if (!attesta.ok) return attesta;
    if (!standard.ok) return standard;
    return { ...attesta, reason: `${attesta.reason}; ${standard.reason}` };
  }
  if (attesta.ok) return attesta;
  if (standard.ok) return standard;
  if (attesta.code === "missing_signature" && standard.code !== "missing_signature")
    return standard;
  if (standard.code === "missing_signature" && attesta.code !== "missing_signature") return attesta;
  return {
    ...attesta,
    reason: `${attesta.reason}; ${standard.reason}`,
    details: [...attesta.details, ...standard.details],
  };
}
