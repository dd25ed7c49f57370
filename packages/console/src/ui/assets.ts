/**
 * The UI's files: the page, the script and the stylesheet, each with an ETag
 * so a browser revalidates instead of downloading again.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { pageHtml } from "./page";
import { SCRIPT } from "./script";
import { STYLE } from "./style";

const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#2f5bd3"/><path d="M4 8.5l2.5 2.5L12 5.5" stroke="#fff" stroke-width="2" fill="none"/></svg>';

interface Asset {
  readonly body: string;
  readonly type: string;
  readonly etag: string;
}

const asset = (body: string, type: string): Asset => ({
  body,
  type,
  etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
});

/** The files under `/assets/`, and the page, for one base path. */
export function uiAssets(basePath: string): { page: Asset; files: ReadonlyMap<string, Asset> } {
  return {
    page: asset(pageHtml(basePath), "text/html; charset=utf-8"),
    files: new Map([
      ["/assets/console.js", asset(SCRIPT, "text/javascript; charset=utf-8")],
      ["/assets/console.css", asset(STYLE, "text/css; charset=utf-8")],
      ["/assets/favicon.svg", asset(FAVICON, "image/svg+xml")],
    ]),
  };
}

/** The asset, or 304 when the browser's copy is current. */
export function serveAsset(request: Request, file: Asset): Response {
  const headers = { "content-type": file.type, etag: file.etag, "cache-control": "no-cache" };
  if (request.headers.get("if-none-match") === file.etag)
    return new Response(null, { status: 304, headers });
  return new Response(request.method === "HEAD" ? null : file.body, { headers });
}
