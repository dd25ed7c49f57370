/**
 * Server-Sent Events of a live source: a `change` event whenever the source
 * reports one (at most one per 250 ms per stream), a comment every 15 s to
 * keep proxies from closing the stream. The source is watched only while a
 * stream is open, so an idle console costs the dispatcher nothing.
 *
 * @module
 */
import type { AdminChange } from "@attesta/webhooks";
import type { ApiContext } from "./api-reads";
import { ProblemError } from "./problem";

const COALESCE_MS = 250;
const HEARTBEAT_MS = 15_000;

export function liveEvents({ options, session, request }: ApiContext): Response {
  const watch = options.source.watch?.bind(options.source);
  if (watch === undefined || !options.source.capabilities.live)
    throw new ProblemError(
      "not-supported",
      `A ${options.source.kind} source has no live updates; reload to see changes.`,
    );
  const scope = session.principal.endpoints;
  const encoder = new TextEncoder();
  let stop = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let pending: AdminChange | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      const unwatch = watch((change) => {
        if (
          scope !== undefined &&
          change.endpointId !== undefined &&
          !scope.includes(change.endpointId)
        )
          return;
        pending =
          change.endpointId !== undefined && scope === undefined ? change : { kind: change.kind };
        timer ??= setTimeout(() => {
          timer = undefined;
          send(`event: change\ndata: ${JSON.stringify(pending)}\n\n`);
        }, COALESCE_MS);
      });
      const heartbeat = setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS);
      stop = () => {
        unwatch();
        clearInterval(heartbeat);
        if (timer !== undefined) clearTimeout(timer);
        try {
          controller.close();
        } catch {}
        stop = () => {};
      };
      request.signal.addEventListener("abort", () => stop(), { once: true });
      send("retry: 3000\n\n");
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
    },
  });
}
