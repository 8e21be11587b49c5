/**
 * The head of an HTTP/1.1 request (request line and header fields), parsed from the bytes received so far:
 * complete, not yet complete, too large (431) or malformed (400). Strict where leniency lets two parsers
 * disagree about where a request ends (request smuggling): CRLF line ends only, no folded lines, no
 * Content-Length next to Transfer-Encoding, a Transfer-Encoding that ends in `chunked` or none.
 *
 * @module
 */

/**
 * A parsed request head.
 *
 * @example
 * ```ts
 * declare const head: RequestHead;
 * const persistent = head.keepAlive && head.minor === 1;
 * ```
 */
export interface RequestHead {
  readonly method: string;
  /** The request target as sent (`/orders?x=1`, or an absolute URL). */
  readonly target: string;
  /** 1 for HTTP/1.1, 0 for HTTP/1.0. */
  readonly minor: number;
  /** Name/value pairs in arrival order, names as sent, values without surrounding white space. */
  readonly headers: [string, string][];
  /** The declared Content-Length, -1 when none (a chunked body, or no body). */
  readonly contentLength: number;
  readonly chunked: boolean;
  /** Whether the connection may carry another request after this one (by version and `Connection`). */
  readonly keepAlive: boolean;
  /** `Expect: 100-continue` (the client waits for a 100 before sending the body). */
  readonly expectContinue: boolean;
  /** `Connection: upgrade` with an `Upgrade` field (a WebSocket handshake). */
  readonly upgrade: boolean;
  /** Bytes the head took, blank line included. */
  readonly size: number;
}

/** Why a head was refused: too large (431) or malformed (400). */
export type HeadFault = "too-large" | "malformed";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TARGET = /^[\x21-\x7e]+$/;
/** Control characters other than tab (a bare CR or LF inside a line among them). */
// deno-lint-ignore no-control-regex
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
const DIGITS = /^\d{1,15}$/;

/**
 * Parses the head starting at `buf[0]`, or says why it cannot: undefined while the blank line that ends it
 * has not arrived (and the bytes so far fit in `maxBytes`). `from` resumes the search for that blank line
 * where the previous call on the same (grown) bytes left it (`buf.length - 3`), so a head trickled in byte by
 * byte costs linear time, not quadratic.
 *
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
 * const head = parseHead(bytes, 16384);
 * if (typeof head === "object") console.log(head.method, head.target); // GET /health
 * ```
 */
export function parseHead(buf: Uint8Array, maxBytes: number, from = 0): RequestHead | HeadFault | undefined {
  // Empty lines before a request line are skipped (RFC 9112 §2.2).
  let start = 0;
  while (start + 1 < buf.length && buf[start] === 13 && buf[start + 1] === 10) start += 2;
  const end = headEnd(buf, start, Math.max(start, from), Math.min(buf.length, maxBytes + 1));
  if (end === -2) return "malformed";
  if (end < 0) return buf.length - start > maxBytes ? "too-large" : undefined;
  if (end - start > maxBytes) return "too-large";
  const lines = latin1(buf, start, end - 4).split("\r\n");
  const line = lines[0]!;
  const sp1 = line.indexOf(" ");
  const sp2 = line.indexOf(" ", sp1 + 1);
  if (sp1 <= 0 || sp2 < 0) return "malformed";
  const method = line.slice(0, sp1);
  const target = line.slice(sp1 + 1, sp2);
  const version = line.slice(sp2 + 1);
  const minor = version === "HTTP/1.1" ? 1 : version === "HTTP/1.0" ? 0 : -1;
  if (minor < 0 || !TOKEN.test(method) || !TARGET.test(target)) return "malformed";
  const headers: [string, string][] = [];
  let contentLength = -1;
  let transferEncoding: string | undefined;
  let connection = "";
  let expect = "";
  let hasUpgrade = false;
  for (let i = 1; i < lines.length; i++) {
    const field = lines[i]!;
    const colon = field.indexOf(":");
    if (colon <= 0) return "malformed";
    const name = field.slice(0, colon);
    const value = field.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!TOKEN.test(name) || BAD_VALUE.test(value)) return "malformed";
    headers.push([name, value]);
    switch (name.length) {
      case 14:
        if (name.toLowerCase() !== "content-length") break;
        if (!DIGITS.test(value) || (contentLength >= 0 && Number(value) !== contentLength)) {
          return "malformed";
        }
        contentLength = Number(value);
        break;
      case 17:
        if (name.toLowerCase() !== "transfer-encoding") break;
        transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
        break;
      case 10:
        if (name.toLowerCase() === "connection") connection += `,${value.toLowerCase()}`;
        break;
      case 6:
        if (name.toLowerCase() === "expect") expect = value.toLowerCase();
        break;
      case 7:
        if (name.toLowerCase() === "upgrade") hasUpgrade = true;
        break;
    }
  }
  let chunked = false;
  if (transferEncoding !== undefined) {
    if (contentLength >= 0 || !/(^|,)[ \t]*chunked[ \t]*$/i.test(transferEncoding)) return "malformed";
    chunked = true;
  }
  const tokens = connection === "" ? [] : connection.split(",").map((t) => t.trim());
  const keepAlive = minor === 1 ? !tokens.includes("close") : tokens.includes("keep-alive");
  return {
    method,
    target,
    minor,
    headers,
    contentLength,
    chunked,
    keepAlive,
    expectContinue: expect === "100-continue",
    upgrade: hasUpgrade && tokens.includes("upgrade"),
    size: end,
  };
}

/**
 * The index just past the `\r\n\r\n` that ends the head, -1 when not found before `limit`, -2 at a line
 * feed without its carriage return.
 */
function headEnd(buf: Uint8Array, start: number, from: number, limit: number): number {
  for (let i = from; i < limit; i++) {
    if (buf[i] !== 10) continue;
    if (i === start || buf[i - 1] !== 13) return -2;
    if (buf[i + 1] === 13 && buf[i + 2] === 10) return i + 3;
  }
  return -1;
}

function latin1(buf: Uint8Array, from: number, to: number): string {
  let text = "";
  for (let at = from; at < to; at += 4096) {
    text += String.fromCharCode.apply(null, buf.subarray(at, Math.min(to, at + 4096)) as unknown as number[]);
  }
  return text;
}

/**
 * A header's value by lower-case name, as a fetch `Headers` gives it: repeated fields joined with ", ".
 *
 * @example
 * ```ts
 * headerValue([["Content-Type", "application/json"]], "content-type"); // "application/json"
 * ```
 */
export function headerValue(headers: readonly [string, string][], name: string): string | undefined {
  let value: string | undefined;
  for (const [n, v] of headers) {
    if (n.length === name.length && n.toLowerCase() === name) {
      value = value === undefined ? v : `${value}, ${v}`;
    }
  }
  return value;
}
