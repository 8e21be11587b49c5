/**
 * The fetch `Request` for a request head parsed by `_http1_parser.ts`. A small body already read whole is
 * kept aside (the `Request` carries none: on Deno a `Request` with a body costs ~20 µs more to make and ~7 µs
 * to read) and found by the body reader with `prereadBody` (`_preread.ts`), as with `node:http`'s bridge; a larger or chunked body comes as the `Request`'s stream.
 *
 * @module
 */

import type { RequestHead } from "./_http1_parser.ts";
import { keepPrereadBody } from "./_preread.ts";

/**
 * The `Request` for `head`. `base` is the server's own URL (the Host header is the guard's to judge, never
 * used to build the URL). Throws a `TypeError` when the target or a header is not one the fetch API accepts.
 *
 * @example
 * ```ts
 * import type { RequestHead } from "./_http1_parser.ts";
import { keepPrereadBody } from "./_preread.ts";
 * declare const head: RequestHead;
 * const request = toFetchRequest(head, "http://127.0.0.1:7777", undefined);
 * ```
 */
export function toFetchRequest(
  head: RequestHead,
  base: string,
  body: Uint8Array | ReadableStream<Uint8Array> | undefined,
): Request {
  const method = head.method;
  const target = head.target;
  const url = target.startsWith("/") ? base + target : new URL(target, base).href;
  if (body === undefined || method === "GET" || method === "HEAD") {
    return new Request(url, { method, headers: head.headers });
  }
  if (body instanceof Uint8Array) {
    const request = new Request(url, { method, headers: head.headers });
    keepPrereadBody(request, body);
    return request;
  }
  const init: RequestInit & { duplex: "half" } = { method, headers: head.headers, body, duplex: "half" };
  return new Request(url, init);
}
