import { createServer, type Server } from "node:http";
import express, { type Express } from "express";
// Express 4 under an alias, to cover body-parser 1.x behaviour.
import express4 from "express4";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { BODY, malformedSignatures, OLD_SECRET, SECRET } from "../../../test/support/deliveries";
import { close, listen, post, postSlowly } from "../../../test/support/http";
import { pythonDeliveries } from "../../../test/support/python";
import { sign } from "../../index";
import { AttestaVerificationError, verifyAttesta } from "./index";

const headers = (signature: string) => ({ "x-attesta-signature": signature });

/** Builds an app whose webhook handler records what it saw. */
function makeApp(setup: (app: Express, handler: express.RequestHandler) => void) {
  const seen: unknown[] = [];
  const app = express();
  setup(app, (req, res) => {
    seen.push(req.attesta);
    // The typed payload narrows on `event` without casts.
    if (req.attesta?.event === "APPROVED") {
      res.json({ action: req.attesta.data.action_name });
      return;
    }
    res.json({ event: req.attesta?.event });
  });
  return { app, seen };
}

async function serve(app: Express): Promise<{ url: string; server: Server }> {
  const server = createServer(app);
  return { url: await listen(server), server };
}

describe("verifyAttesta (Express)", () => {
  let url: string;
  let server: Server;
  let seen: unknown[];

  beforeAll(async () => {
    const built = makeApp((app, handler) => {
      app.post("/hook", verifyAttesta({ secret: SECRET, maxBodyBytes: 64 * 1024 }), handler);
      app.post("/rotating", verifyAttesta({ secret: [SECRET, OLD_SECRET] }), handler);
    });
    seen = built.seen;
    ({ url, server } = await serve(built.app));
  });
  afterAll(() => close(server));
  afterEach(() => {
    seen.length = 0;
  });

  it("passes a valid delivery to the handler with the typed payload on req.attesta", async () => {
    const res = await post(`${url}/hook`, BODY, headers(sign(BODY, SECRET)));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ action: "deploy" });
    expect(seen).toEqual([JSON.parse(BODY)]);
  });

  it("accepts bodies serialised and signed by python3 byte for byte", async () => {
    for (const delivery of pythonDeliveries(SECRET)) {
      const res = await post(`${url}/hook`, delivery.body, headers(delivery.signature));
      expect(res.status, delivery.label).toBe(200);
    }
    expect(seen).toHaveLength(4);
    expect(seen[0]).toMatchObject({ data: { risk_score: 1 } });
  });

  it("rejects a tampered body with 401 and never runs the handler", async () => {
    const tampered = BODY.replace("deploy", "destroy");
    const res = await post(`${url}/hook`, tampered, headers(sign(BODY, SECRET)));
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: expect.stringContaining("does not match") });
    expect(seen).toEqual([]);
  });

  it("rejects a missing signature header with 401", async () => {
    const res = await post(`${url}/hook`, BODY);
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: "Missing x-attesta-signature header." });
  });

  it("rejects every malformed signature header with 401", async () => {
    for (const [label, value] of Object.entries(malformedSignatures(BODY, SECRET))) {
      const res = await post(`${url}/hook`, BODY, headers(value));
      expect(res.status, label).toBe(401);
      expect(res.json, label).toEqual({ error: expect.any(String) });
    }
    expect(seen).toEqual([]);
  });

  it("accepts the current and the previous secret during a rotation", async () => {
    expect((await post(`${url}/rotating`, BODY, headers(sign(BODY, SECRET)))).status).toBe(200);
    expect((await post(`${url}/rotating`, BODY, headers(sign(BODY, OLD_SECRET)))).status).toBe(200);
    expect((await post(`${url}/rotating`, BODY, headers(sign(BODY, "retired")))).status).toBe(401);
    expect(seen).toHaveLength(2);
  });

  it("answers 413 from the Content-Length before the client finishes sending", async () => {
    const outcome = await postSlowly(
      `${url}/hook`,
      8 * 1024 * 1024,
      headers(sign(BODY, SECRET)),
      true,
    );
    expect(outcome.status).toBe(413);
    expect(outcome.finished).toBe(false);
    expect(JSON.parse(outcome.text)).toEqual({
      error: "Request body exceeds maxBodyBytes (65536 bytes).",
    });
  });

  it("answers 413 while streaming a body without Content-Length, before it ends", async () => {
    const outcome = await postSlowly(
      `${url}/hook`,
      8 * 1024 * 1024,
      headers(sign(BODY, SECRET)),
      false,
    );
    expect(outcome.status).toBe(413);
    expect(outcome.finished).toBe(false);
    expect(seen).toEqual([]);
  });

  it("accepts a chunked body under the limit", async () => {
    const res = await post(`${url}/hook`, BODY, headers(sign(BODY, SECRET)), { chunked: true });
    expect(res.status).toBe(200);
  });

  it("answers 400 for a correctly signed body that is not JSON", async () => {
    const body = "event=APPROVED";
    const res = await post(`${url}/hook`, body, headers(sign(body, SECRET)));
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "Request body is not valid UTF-8 JSON." });
  });

  it("answers 400 for signed JSON that is not an Attesta payload", async () => {
    const body = "[1,2,3]";
    const res = await post(`${url}/hook`, body, headers(sign(body, SECRET)));
    expect(res.status).toBe(400);
    expect(seen).toEqual([]);
  });
});

describe("verifyAttesta (Express) behind body parsers", () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map(close));
  });
  const start = async (app: Express) => {
    const served = await serve(app);
    servers.push(served.server);
    return served.url;
  };

  it("uses the Buffer that express.raw() left in req.body", async () => {
    const { app, seen } = makeApp((app, handler) => {
      app.post(
        "/hook",
        express.raw({ type: "application/json" }),
        verifyAttesta({ secret: SECRET }),
        handler,
      );
    });
    const url = await start(app);
    expect((await post(`${url}/hook`, BODY, headers(sign(BODY, SECRET)))).status).toBe(200);
    expect((await post(`${url}/hook`, `${BODY} `, headers(sign(BODY, SECRET)))).status).toBe(401);
    expect(seen).toHaveLength(1);
  });

  it("applies maxBodyBytes to a Buffer from express.raw()", async () => {
    const { app, seen } = makeApp((app, handler) => {
      app.post(
        "/hook",
        express.raw({ type: "application/json" }),
        verifyAttesta({ secret: SECRET, maxBodyBytes: 10 }),
        handler,
      );
    });
    const url = await start(app);
    expect((await post(`${url}/hook`, BODY, headers(sign(BODY, SECRET)))).status).toBe(413);
    expect(seen).toEqual([]);
  });

  it("uses req.rawBody saved by express.json({ verify })", async () => {
    const { app, seen } = makeApp((app, handler) => {
      app.use(
        express.json({
          verify: (req, _res, buf) => {
            (req as unknown as { rawBody: Buffer }).rawBody = buf;
          },
        }),
      );
      app.post("/hook", verifyAttesta({ secret: SECRET }), handler);
    });
    const url = await start(app);
    expect((await post(`${url}/hook`, BODY, headers(sign(BODY, SECRET)))).status).toBe(200);
    expect(seen).toEqual([JSON.parse(BODY)]);
  });

  it("answers 500 with the fix behind express.json(), logs it once and never runs the handler", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const { app, seen } = makeApp((app, handler) => {
        app.use(express.json());
        app.post("/hook", verifyAttesta({ secret: SECRET }), handler);
      });
      const url = await start(app);
      const first = await post(`${url}/hook`, BODY, headers(sign(BODY, SECRET)));
      const second = await post(`${url}/hook`, BODY, headers(sign(BODY, SECRET)));
      expect(first.status).toBe(500);
      expect(second.status).toBe(500);
      const message = (first.json as { error: string }).error;
      expect(message).toContain("mount verifyAttesta() before express.json()");
      expect(message).toContain('express.raw({ type: "application/json" })');
      expect(seen).toEqual([]);
      expect(log).toHaveBeenCalledTimes(1);
      expect(log).toHaveBeenCalledWith(message);
    } finally {
      log.mockRestore();
    }
  });

  it("still reads the stream when express.json() skipped a non-JSON content type", async () => {
    const { app, seen } = makeApp((app, handler) => {
      app.use(express.json());
      app.post("/hook", verifyAttesta({ secret: SECRET }), handler);
    });
    const url = await start(app);
    const res = await post(`${url}/hook`, BODY, {
      ...headers(sign(BODY, SECRET)),
      "content-type": "text/plain",
    });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
  });
});

describe("verifyAttesta (Express 4)", () => {
  it("reads the stream when an Express 4 body parser skipped the request but left req.body = {}", async () => {
    const app = express4();
    const seen: unknown[] = [];
    // body-parser 1.x sets req.body to {} even for content types it does not parse.
    app.use(express4.urlencoded({ extended: false }));
    app.post(
      "/hook",
      verifyAttesta({ secret: SECRET }) as unknown as Parameters<typeof app.post>[1],
      (req, res) => {
        seen.push((req as unknown as express.Request).attesta);
        res.sendStatus(204);
      },
    );
    const { url, server } = await serveExpress4(app);
    try {
      const res = await post(`${url}/hook`, BODY, {
        ...headers(sign(BODY, SECRET)),
        "content-type": "application/json",
      });
      expect(res.status).toBe(204);
      expect(seen).toEqual([JSON.parse(BODY)]);
      const forged = await post(`${url}/hook`, BODY, {
        ...headers(sign(BODY, "wrong")),
        "content-type": "application/json",
      });
      expect(forged.status).toBe(401);
    } finally {
      await close(server);
    }
  });

  it("still answers 500 when Express 4's express.json() consumed the body", async () => {
    const app = express4();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    app.use(express4.json());
    app.post(
      "/hook",
      verifyAttesta({ secret: SECRET }) as unknown as Parameters<typeof app.post>[1],
      (_req, res) => {
        res.sendStatus(204);
      },
    );
    const { url, server } = await serveExpress4(app);
    try {
      const res = await post(`${url}/hook`, BODY, {
        ...headers(sign(BODY, SECRET)),
        "content-type": "application/json",
      });
      expect(res.status).toBe(500);
      expect(res.json).toMatchObject({
        error: expect.stringContaining("mount verifyAttesta() before express.json()"),
      });
    } finally {
      errors.mockRestore();
      await close(server);
    }
  });
});

async function serveExpress4(
  app: ReturnType<typeof express4>,
): Promise<{ url: string; server: Server }> {
  const server = createServer(app);
  return { url: await listen(server), server };
}

describe("verifyAttesta (Express) options", () => {
  it("lets onError write a custom response", async () => {
    const app = express();
    const codes: string[] = [];
    app.post(
      "/hook",
      verifyAttesta({
        secret: SECRET,
        onError: (error, _req, res) => {
          codes.push(error.code);
          res
            .status(error.status === 401 ? 403 : error.status)
            .type("text/plain")
            .send(`nope: ${error.code}`);
        },
      }),
      (_req, res) => {
        res.sendStatus(204);
      },
    );
    const { url, server } = await serve(app);
    try {
      const res = await post(`${url}/hook`, BODY, headers(sign(BODY, "wrong")));
      expect(res.status).toBe(403);
      expect(res.text).toBe("nope: invalid_signature");
      expect(codes).toEqual(["invalid_signature"]);
    } finally {
      await close(server);
    }
  });

  it("can hand rejections to Express error handlers through next", async () => {
    const app = express();
    app.post(
      "/hook",
      verifyAttesta({ secret: SECRET, onError: (error, _req, _res, next) => next(error) }),
      (_req, res) => {
        res.sendStatus(204);
      },
    );
    app.use(
      (
        error: unknown,
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        res
          .status(418)
          .json({ handled: error instanceof AttestaVerificationError ? error.code : "other" });
      },
    );
    const { url, server } = await serve(app);
    try {
      const res = await post(`${url}/hook`, BODY);
      expect(res.status).toBe(418);
      expect(res.json).toEqual({ handled: "missing_signature" });
    } finally {
      await close(server);
    }
  });

  it("hands an onError that throws or rejects to next(err), and the server keeps serving", async () => {
    const app = express();
    const handled: string[] = [];
    app.post(
      "/throws",
      verifyAttesta({
        secret: SECRET,
        onError: () => {
          throw new Error("onError threw");
        },
      }),
      (_req, res) => {
        res.sendStatus(204);
      },
    );
    app.post(
      "/rejects",
      verifyAttesta({
        secret: SECRET,
        onError: async () => Promise.reject(new Error("onError rejected")),
      }),
      (_req, res) => {
        res.sendStatus(204);
      },
    );
    app.use(
      (error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        handled.push(error.message);
        res.status(500).json({ handled: error.message });
      },
    );
    const { url, server } = await serve(app);
    try {
      // A forged request with a body read first, and one refused on headers alone.
      const forged = await post(`${url}/throws`, BODY, headers(sign(BODY, "wrong")));
      expect(forged.status).toBe(500);
      expect(forged.json).toEqual({ handled: "onError threw" });
      expect((await post(`${url}/rejects`, BODY)).json).toEqual({ handled: "onError rejected" });
      expect((await post(`${url}/rejects`, BODY, headers(sign(BODY, "wrong")))).status).toBe(500);
      expect(handled).toEqual(["onError threw", "onError rejected", "onError rejected"]);
      // Still alive: a valid delivery goes through.
      expect((await post(`${url}/throws`, BODY, headers(sign(BODY, SECRET)))).status).toBe(204);
    } finally {
      await close(server);
    }
  });

  it("throws a TypeError with the fix for a missing secret or a bad maxBodyBytes", () => {
    expect(() => verifyAttesta({ secret: "" })).toThrow(
      /@attesta\/verify: options.secret must be a non-empty string/,
    );
    expect(() =>
      verifyAttesta({ secret: process.env.ATTESTA_UNSET_SECRET_FOR_TEST as string }),
    ).toThrow(TypeError);
    expect(() => verifyAttesta({ secret: [] })).toThrow(TypeError);
    expect(() => verifyAttesta({ secret: SECRET, maxBodyBytes: 0 })).toThrow(
      /maxBodyBytes must be a positive integer/,
    );
    expect(() => verifyAttesta({ secret: SECRET, maxBodyBytes: Number.POSITIVE_INFINITY })).toThrow(
      TypeError,
    );
  });
});
