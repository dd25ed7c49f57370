/**
 * The component schemas of the console's OpenAPI document: the shapes of
 * what the JSON API returns and takes.
 *
 * @module
 */

/** A reference to one of the component schemas below. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const time = { type: "string", format: "date-time" };

export const schemas = {
  Problem: {
    type: "object",
    properties: {
      type: { type: "string" },
      title: { type: "string" },
      status: { type: "integer" },
      detail: { type: "string" },
    },
    required: ["type", "title", "status"],
  },
  Session: {
    type: "object",
    properties: {
      role: { enum: ["viewer", "operator"] },
      scoped: { type: "boolean" },
      source: { type: "string" },
      capabilities: ref("Capabilities"),
      csrfToken: { type: "string" },
    },
    required: ["role", "scoped", "source", "capabilities", "csrfToken"],
  },
  Capabilities: {
    type: "object",
    properties: {
      live: { type: "boolean" },
      redeliver: { type: "boolean" },
      bulkRetry: { type: "boolean" },
      toggleEndpoints: { type: "boolean" },
      rotateSecret: { type: "boolean" },
      deferred: { type: "boolean" },
      stats: { type: "boolean" },
      notes: { type: "array", items: { type: "string" } },
    },
  },
  Endpoint: {
    type: "object",
    properties: {
      id: { type: "string" },
      url: { type: "string" },
      events: {
        oneOf: [{ type: "array", items: { type: "string" } }, { enum: ["all", "unknown"] }],
      },
      state: { enum: ["enabled", "disabled", "unknown"] },
      disabledReason: { type: "string" },
      disabledReceiverCode: {
        type: "string",
        description:
          'With disabledReason "gone" from a chat service: its code, e.g. "channel_not_found".',
      },
      circuit: { enum: ["closed", "open", "half_open", "unknown"] },
      failureRate: { type: "number", minimum: 0, maximum: 1 },
      lastSuccessAt: time,
      pending: { type: "integer" },
      signed: { type: "boolean" },
    },
    required: ["id", "url", "events", "state", "circuit", "pending"],
  },
  DeliverySummary: {
    type: "object",
    properties: {
      id: { type: "string" },
      endpointId: { type: "string" },
      event: { type: "string" },
      status: { enum: ["pending", "delivered", "dead"] },
      attempts: { type: "integer" },
      createdAt: time,
      nextAttemptAt: time,
      settledAt: time,
      deadReason: { type: "string" },
      lastResponseStatus: { type: "integer" },
      lastErrorKind: { type: "string" },
    },
    required: ["id", "endpointId", "event", "status", "attempts", "createdAt"],
  },
  Delivery: {
    allOf: [
      ref("DeliverySummary"),
      {
        type: "object",
        properties: {
          contentType: {
            type: "string",
            description: "The Content-Type it is sent with (a format function may set its own).",
          },
          payload: { type: "string", description: "The body, pretty-printed when it is JSON." },
          request: {
            type: "object",
            properties: {
              method: { type: "string" },
              headers: { type: "object", additionalProperties: { type: "string" } },
            },
          },
          attemptLog: { type: "array", items: ref("Attempt") },
        },
        required: ["contentType", "payload", "request", "attemptLog"],
      },
    ],
  },
  Attempt: {
    type: "object",
    properties: {
      attempt: { type: "integer" },
      startedAt: time,
      durationMs: { type: "number" },
      responseStatus: { type: "integer" },
      errorKind: { type: "string" },
      errorMessage: { type: "string" },
      responseBodyExcerpt: { type: "string" },
    },
    required: ["attempt", "startedAt", "durationMs"],
  },
  ActionResult: {
    type: "object",
    properties: { redelivered: { type: "integer" }, deferred: { type: "boolean" } },
    required: ["redelivered", "deferred"],
  },
  Filter: {
    type: "object",
    properties: {
      status: { enum: ["delivered", "dead"] },
      endpoint: { type: "string" },
      event: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
    },
  },
};
