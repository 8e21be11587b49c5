/**
 * The bytes of HTTP/1.1 answers: status line and header fields from a fetch `Response` (or a raw lane's
 * answer), the JSON refusals of what the parser or the clock refused, and chunk framing for streamed bodies.
 *
 * @module
 */

import { LOCAL_CODES } from "./errors.ts";
import type { RawAnswer } from "./server.ts";
import { pooledBytes } from "./_byte_pool.ts";

/**
 * The reason phrase of each status code, as `node:http`'s `STATUS_CODES` has them (a test holds the two equal),
 * kept here so the server does not load `node:http` (alone 6.4 MB of RSS on Bun) for a table.
 *
 * @example
 * ```ts
 * REASON_PHRASES[422]; // "Unprocessable Entity"
 * ```
 */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: "Continue",
  101: "Switching Protocols",
  102: "Processing",
  103: "Early Hints",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  207: "Multi-Status",
  208: "Already Reported",
  226: "IM Used",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  305: "Use Proxy",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Payload Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  418: "I'm a Teapot",
  421: "Misdirected Request",
  422: "Unprocessable Entity",
  423: "Locked",
  424: "Failed Dependency",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  506: "Variant Also Negotiates",
  507: "Insufficient Storage",
  508: "Loop Detected",
  509: "Bandwidth Limit Exceeded",
  510: "Not Extended",
  511: "Network Authentication Required",
};

let dateSecond = -1;
let dateField = "";

/** The `date` field, remade once a second. */
function date(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateField = `date: ${new Date(second * 1000).toUTCString()}\r\n`;
  }
  return dateField;
}

/**
 * The head of an answer (through its blank line). `fields` are `name: value\r\n` lines; `length` is the
 * body's Content-Length, or -1 for a chunked body, or undefined for none written; `keepAliveS` the idle
 * timeout to announce, or 0 to close after the answer.
 *
 * @example
 * ```ts
 * answerHead(200, "content-type: application/json\r\n", 2, 30); // "HTTP/1.1 200 OK\r\ncontent-type: …"
 * ```
 */
export function answerHead(
  status: number,
  fields: string,
  length: number | undefined,
  keepAliveS: number,
): string {
  let head = `HTTP/1.1 ${status} ${REASON_PHRASES[status] ?? "Unknown"}\r\n${fields}${date()}`;
  if (length !== undefined) {
    head += length < 0 ? "transfer-encoding: chunked\r\n" : `content-length: ${length}\r\n`;
  }
  return head +
    (keepAliveS > 0
      ? `connection: keep-alive\r\nkeep-alive: timeout=${keepAliveS}\r\n\r\n`
      : "connection: close\r\n\r\n");
}

/**
 * A `Response`'s header fields as `name: value\r\n` lines (without Content-Length, Transfer-Encoding and
 * Connection, which the server sets).
 *
 * @example
 * ```ts
 * responseFields(new Response("x", { headers: { "x-a": "1" } })); // includes "x-a: 1\r\n"
 * ```
 */
export function responseFields(response: Response): string {
  let fields = "";
  response.headers.forEach((value, name) => {
    if (name !== "content-length" && name !== "transfer-encoding" && name !== "connection") {
      fields += `${name}: ${value}\r\n`;
    }
  });
  return fields;
}

/**
 * A raw answer's header pairs (`[name, value, …]`) as `name: value\r\n` lines.
 *
 * @example
 * ```ts
 * rawFields({ status: 200, headers: ["content-type", "application/json"], text: "{}" });
 * ```
 */
export function rawFields(answer: RawAnswer): string {
  let fields = "";
  const pairs = answer.headers;
  for (let i = 0; i + 1 < pairs.length; i += 2) fields += `${pairs[i]}: ${pairs[i + 1]}\r\n`;
  return fields;
}

/**
 * The request methods served, exactly as written (RFC 9110 §9.1: a method is case-sensitive, so `post` is not
 * POST). Any other is answered 501 before its body is read: a typo must not be served as something else.
 *
 * @example
 * ```ts
 * KNOWN_METHODS.has("PATCH"); // true
 * KNOWN_METHODS.has("post"); // false
 * ```
 */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
]);
const METHODS = [...KNOWN_METHODS].join(", ");

/**
 * What the parser refused, an unknown method (501), or a request that timed out, as the JSON answer
 * `node:http`'s server gives it (`_serve_node.ts`), connection closed after it.
 *
 * @example
 * ```ts
 * refusal(408).startsWith("HTTP/1.1 408 Request Timeout\r\n"); // true
 * ```
 */
export function refusal(status: 400 | 408 | 431 | 501): string {
  const [reason, body] = status === 408
    ? ["Request Timeout", { code: LOCAL_CODES.REQUEST_TIMEOUT, msg: "request not received in time" }]
    : status === 431
    ? ["Request Header Fields Too Large", { code: LOCAL_CODES.INVALID_REQUEST, msg: "headers too large" }]
    : status === 501
    ? ["Not Implemented", {
      code: LOCAL_CODES.INVALID_REQUEST,
      msg: `unknown method: the methods are ${METHODS}`,
    }]
    : ["Bad Request", { code: LOCAL_CODES.INVALID_REQUEST, msg: "malformed HTTP request" }];
  const text = JSON.stringify(body);
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncache-control: no-store\r\n` +
    `content-length: ${text.length}\r\nconnection: close\r\n\r\n${text}`;
}

/** Where {@linkcode utf8Length} lets the runtime's encoder count: it holds any text of up to 21,845 chars. */
const lengthScratch = new Uint8Array(64 * 1024);

/**
 * The UTF-8 size of `text`, as the socket will write it (a lone surrogate as U+FFFD, 3 bytes). The runtime's
 * `encodeInto` counts it natively into a scratch array: 68 / 32 ns for a 419-byte order answer on Deno / Bun,
 * against 589 / 492 ns for a loop over its chars in JavaScript, which every answer paid (bench/README.md, ninth
 * round). A text too long for the scratch array is encoded whole.
 *
 * @example
 * ```ts
 * utf8Length("é1"); // 3
 * ```
 */
export function utf8Length(text: string): number {
  if (text.length * 3 <= lengthScratch.length) return encoder.encodeInto(text, lengthScratch).written;
  return encoder.encode(text).length;
}

const encoder = new TextEncoder();

/** Lowercase hex digits, as `toString(16)` writes a chunk's size. */
const HEX_DIGITS = new TextEncoder().encode("0123456789abcdef");

/**
 * One chunk of a chunked body, framed (`size CRLF data CRLF`), in one array of the caller's own, cut from the
 * write pool (`_byte_pool.ts`): on Deno two new arrays per chunk (the size line and the frame) cost 1.4 µs for
 * a 300-byte event, which every `/events` reader paid per write (bench/README.md, ninth round).
 *
 * @example
 * ```ts
 * chunkFrame(new Uint8Array([104, 105])); // "2\r\nhi\r\n" as bytes
 * ```
 */
export function chunkFrame(data: Uint8Array): Uint8Array {
  const n = data.byteLength;
  let digits = 1;
  while (digits < 8 && n >>> (4 * digits) !== 0) digits++;
  const frame = pooledBytes(digits + 2 + n + 2);
  for (let d = digits - 1, v = n; d >= 0; d--, v >>>= 4) frame[d] = HEX_DIGITS[v & 15]!;
  frame[digits] = 13;
  frame[digits + 1] = 10;
  frame.set(data, digits + 2);
  frame[digits + 2 + n] = 13;
  frame[digits + 3 + n] = 10;
  return frame;
}
