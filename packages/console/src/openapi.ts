/**
 * The OpenAPI 3.1 document of the JSON API, served at `/openapi.json`.
 *
 * @module
 */
import { ref, schemas, time } from "./openapi-schemas";
import { VERSION } from "./version";

const problems = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((code) => [String(code), { $ref: `#/components/responses/Problem${code}` }]),
  );
const ok = (schema: object, status = "200") => ({
  [status]: { description: "OK", content: { "application/json": { schema } } },
});
const query = (name: string, description: string, schema: object = { type: "string" }) => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
});
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const csrfParam = {
  name: "X-CSRF-Token",
  in: "header",
  required: true,
  description: "csrfToken from GET /api/session.",
  schema: { type: "string" },
};
const jsonBody = (schema: object) => ({
  required: true,
  content: { "application/json": { schema } },
});
const filterParams = [
  query("status", "Delivery status.", { type: "string", enum: ["pending", "delivered", "dead"] }),
  query("endpoint", "Endpoint id."),
  query("event", "Event name, e.g. DENIED."),
  query("since", "Created at or after (ISO 8601 or epoch ms)."),
  query("until", "Created before (ISO 8601 or epoch ms)."),
];
const action = (summary: string, extra: object = {}) => ({
  summary,
  parameters: [csrfParam, ...("parameters" in extra ? (extra.parameters as object[]) : [])],
  ...("requestBody" in extra ? { requestBody: extra.requestBody } : {}),
  responses: { ...ok(ref("ActionResult"), "202"), ...problems(400, 401, 403, 404, 409, 429, 502) },
});
const toggle = (summary: string) => ({
  summary,
  parameters: [idParam, csrfParam],
  responses: {
    ...ok({ type: "object", properties: { changed: { type: "boolean" } }, required: ["changed"] }),
    ...problems(401, 403, 404, 409, 502),
  },
});

const problemResponses = Object.fromEntries(
  [400, 401, 403, 404, 409, 429, 502].map((code) => [
    `Problem${code}`,
    {
      description: `Problem ${code}`,
      content: { "application/problem+json": { schema: ref("Problem") } },
    },
  ]),
);

/** The document; `basePath` is the console's mount point. */
export function openApiDocument(basePath: string): object {
  return {
    openapi: "3.1.0",
    info: {
      title: "Attesta delivery console API",
      version: VERSION,
      description:
        "Endpoints, deliveries and actions of an Attesta delivery source. Errors are RFC 9457 problem details.",
    },
    servers: [{ url: basePath === "" ? "/" : basePath }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "An operator or viewer token, or an embed token from console.embedToken().",
        },
      },
      schemas,
      responses: problemResponses,
    },
    paths: {
      "/api/session": {
        get: {
          summary: "Who you are, what the source can do, and the CSRF token for actions",
          responses: { ...ok(ref("Session")), ...problems(401) },
        },
      },
      "/api/endpoints": {
        get: {
          summary: "Endpoints with health",
          responses: {
            ...ok({
              type: "object",
              properties: { items: { type: "array", items: ref("Endpoint") } },
            }),
            ...problems(401, 502),
          },
        },
      },
      "/api/deliveries": {
        get: {
          summary: "Deliveries, newest first, one page",
          parameters: [
            ...filterParams,
            query("cursor", "nextCursor of the previous page."),
            query("limit", "Page size, 1 to 200 (default 50).", {
              type: "integer",
              minimum: 1,
              maximum: 200,
            }),
          ],
          responses: {
            ...ok({
              type: "object",
              properties: {
                items: { type: "array", items: ref("DeliverySummary") },
                nextCursor: { type: "string" },
              },
              required: ["items"],
            }),
            ...problems(400, 401, 502),
          },
        },
      },
      "/api/deliveries/{id}": {
        get: {
          summary: "A delivery with its payload and attempts",
          parameters: [idParam],
          responses: { ...ok(ref("Delivery")), ...problems(401, 404, 502) },
        },
      },
      "/api/deliveries/{id}/redeliver": {
        post: action("Send a delivered or dead delivery again under its id", {
          parameters: [idParam],
        }),
      },
      "/api/deliveries/retry": {
        post: action("Redeliver every dead (or delivered) delivery matching a filter", {
          requestBody: jsonBody(ref("Filter")),
        }),
      },
      "/api/recover": {
        post: action("Redeliver the dead deliveries created since a time", {
          requestBody: jsonBody({
            type: "object",
            properties: { since: { type: "string" }, endpoint: { type: "string" } },
            required: ["since"],
          }),
        }),
      },
      "/api/endpoints/{id}/enable": { post: toggle("Enable an endpoint") },
      "/api/endpoints/{id}/disable": { post: toggle("Disable an endpoint") },
      "/api/endpoints/{id}/rotate-secret": {
        post: {
          summary: "Replace an endpoint's signing secret (write-only)",
          parameters: [idParam, csrfParam],
          requestBody: jsonBody({
            type: "object",
            properties: { secret: { type: "string", minLength: 16 } },
            required: ["secret"],
          }),
          responses: {
            ...ok({ type: "object", properties: { rotated: { type: "boolean" } } }),
            ...problems(400, 401, 403, 404, 409, 502),
          },
        },
      },
      "/api/stats": {
        get: {
          summary: "Delivered and failed per minute",
          parameters: [
            query("since", "Start (default: an hour before until)."),
            query("until", "End (default: now)."),
          ],
          responses: {
            ...ok({
              type: "object",
              properties: {
                items: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: {
                      minute: time,
                      delivered: { type: "integer" },
                      failed: { type: "integer" },
                    },
                  },
                },
              },
            }),
            ...problems(400, 401, 403, 502),
          },
        },
      },
      "/api/events": {
        get: {
          summary: "Server-Sent Events: a change event when the source changes (live sources)",
          responses: {
            "200": {
              description: "An event stream",
              content: { "text/event-stream": { schema: { type: "string" } } },
            },
            ...problems(401, 409),
          },
        },
      },
    },
  };
}
