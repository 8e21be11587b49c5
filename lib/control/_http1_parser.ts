/**
 * The head of an HTTP/1.1 request (request line and header fields), parsed from the bytes received so far:
 * complete, not yet complete, too large (431) or malformed (400). Strict where leniency lets two parsers
 * disagree about where a request ends (request smuggling): CRLF line ends only, no folded lines, no
 * Content-Length next to Transfer-Encoding, a Transfer-Encoding that is `chunked` alone or none.
 *
 * @module
 */

import { latin1 } from "./_bytes.ts";

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

/** 1 for the bytes of a token (RFC 9110 §5.6.2: a method, a field name). */
const TOKEN_BYTE = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TOKEN_BYTE[c.charCodeAt(0)] = 1;
}
const SP = 32;
const HTAB = 9;
const CR = 13;
/** `HTTP/1.` — the version is this and one digit, 1 or 0. */
const VERSION = [72, 84, 84, 80, 47, 49, 46];

/**
 * Parses the head starting at `buf[0]`, or says why it cannot: undefined while the blank line that ends it
 * has not arrived (and the bytes so far fit in `maxBytes`). `from` resumes the search for that blank line
 * where the previous call on the same (grown) bytes left it (`buf.length - 3`), so a head trickled in byte by
 * byte costs linear time, not quadratic.
 *
 * It walks the bytes with a table of token bytes, with no regular expression or split: every order request
 * starts here with cold caches, where a regular expression costs up to a microsecond (`bench/README.md`).
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
  // Strings are slices of one decoded text; positions are found on the bytes (`text[i - start]` is `buf[i]`).
  const text = latin1(buf, start, end - 2);
  const last = end - 2; // the CR of the blank line: every line before it ends in CR LF
  // Request line: method SP target SP HTTP/1.x CR LF.
  let p = start;
  while (TOKEN_BYTE[buf[p]!] === 1) p++;
  if (p === start || buf[p] !== SP) return "malformed";
  const method = text.slice(0, p - start);
  const targetAt = ++p;
  while (buf[p]! > SP && buf[p]! < 127) p++;
  if (p === targetAt || buf[p] !== SP) return "malformed";
  const target = text.slice(targetAt - start, p - start);
  p++;
  for (let k = 0; k < VERSION.length; k++) if (buf[p + k] !== VERSION[k]) return "malformed";
  const digit = buf[p + VERSION.length];
  const minor = digit === 49 ? 1 : digit === 48 ? 0 : -1;
  p += VERSION.length + 1;
  if (minor < 0 || buf[p] !== CR || buf[p + 1] !== 10) return "malformed";
  p += 2;
  const headers: [string, string][] = [];
  let contentLength = -1;
  let transferEncoding: string | undefined;
  let connection = "";
  let expect = "";
  let hasUpgrade = false;
  while (p < last) {
    // name ":" OWS value OWS CR LF
    const nameAt = p;
    while (TOKEN_BYTE[buf[p]!] === 1) p++;
    if (p === nameAt || buf[p] !== 58) return "malformed";
    const nameEnd = p++;
    let lineEnd = p;
    while (buf[lineEnd] !== CR || buf[lineEnd + 1] !== 10) lineEnd++;
    while (p < lineEnd && (buf[p] === SP || buf[p] === HTAB)) p++;
    let valueEnd = lineEnd;
    while (valueEnd > p && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) valueEnd--;
    for (let i = p; i < valueEnd; i++) {
      const b = buf[i]!;
      if ((b < 32 && b !== HTAB) || b === 127) return "malformed"; // control characters, a bare CR among them
    }
    const name = text.slice(nameAt - start, nameEnd - start);
    const value = text.slice(p - start, valueEnd - start);
    headers.push([name, value]);
    switch (nameEnd - nameAt) {
      case 14:
        if (!namedAs(buf, nameAt, "content-length")) break;
        if (!isCount(buf, p, valueEnd) || (contentLength >= 0 && Number(value) !== contentLength)) {
          return "malformed";
        }
        contentLength = Number(value);
        break;
      case 17:
        if (!namedAs(buf, nameAt, "transfer-encoding")) break;
        transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
        break;
      case 10:
        if (namedAs(buf, nameAt, "connection")) connection += `,${value.toLowerCase()}`;
        break;
      case 6:
        if (namedAs(buf, nameAt, "expect")) expect = value.toLowerCase();
        break;
      case 7:
        if (namedAs(buf, nameAt, "upgrade")) hasUpgrade = true;
        break;
    }
    p = lineEnd + 2;
  }
  let chunked = false;
  if (transferEncoding !== undefined) {
    // `chunked` alone: a coding before it (gzip, chunked) would leave the body encoded, and none is decoded.
    if (contentLength >= 0 || !/^[ \t]*chunked[ \t]*$/i.test(transferEncoding)) return "malformed";
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

/** Whether the token at `at` is `lower` in any case (`lower`: lower-case letters and `-` only). */
function namedAs(buf: Uint8Array, at: number, lower: string): boolean {
  // `| 32` folds A–Z onto a–z; of the token bytes, only those would fold onto a letter or `-`.
  for (let i = 0; i < lower.length; i++) if ((buf[at + i]! | 32) !== lower.charCodeAt(i)) return false;
  return true;
}

/** 1 to 15 decimal digits (a Content-Length Number() reads exactly). */
function isCount(buf: Uint8Array, from: number, to: number): boolean {
  if (to <= from || to - from > 15) return false;
  for (let i = from; i < to; i++) if (buf[i]! < 48 || buf[i]! > 57) return false;
  return true;
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
