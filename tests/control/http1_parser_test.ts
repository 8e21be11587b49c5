/**
 * The request-head parser (`_http1_parser.ts`), which reads bytes with a table, against the regular-expression
 * parser it replaced (`_reference_head_parser.ts`): the same verdict and the same head for thousands of
 * generated heads — well formed, in every case of letters, and mangled a byte at a time — complete and cut
 * short, so a change of what is accepted (request smuggling lives there) cannot slip in unnoticed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseHead } from "../../lib/control/_http1_parser.ts";
import { referenceParseHead } from "./_reference_head_parser.ts";
import { mulberry32 } from "../../lib/sim/prng.ts";

const LINES = [
  "POST /orders HTTP/1.1",
  "GET /health HTTP/1.1",
  "DELETE /orders?symbol=BTCUSDT&origClientOrderId=x HTTP/1.0",
  "GET http://127.0.0.1:7777/state HTTP/1.1",
  "PATCH /orders HTTP/1.1",
];
const FIELDS = [
  "Host: 127.0.0.1:7777",
  "content-type: application/json",
  "Content-Length: 42",
  "content-length:7",
  "Content-Length: 042",
  "Content-Length: 1234567890123456",
  "Transfer-Encoding: chunked",
  "transfer-encoding: gzip, chunked",
  "Transfer-Encoding: chunked, gzip",
  "Connection: keep-alive",
  "connection: close",
  "Connection: Upgrade",
  "Upgrade: websocket",
  "Expect: 100-continue",
  "EXPECT:  100-Continue \t",
  "accept: */*",
  "user-agent: Deno/2.9.6",
  "X-Token:\tsecret value\t ",
  "x-empty:",
  "Authorization: Bearer abc.def",
];
/** Bytes that sit on the edges of the grammar: separators, white space, controls, non-ASCII. */
const EDGE = [" ", "\t", "\r", "\n", ":", "\0", "\x7f", "\x80", "\xff", "(", "/", "a", "A", "-", "_"];

function bytesOf(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 255;
  return out;
}

function recase(text: string, rnd: () => number): string {
  let out = "";
  for (const c of text) out += rnd() < 0.3 ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c;
  return out;
}

function generate(rnd: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  let head = rnd() < 0.1 ? "\r\n" : "";
  head += pick(LINES) + "\r\n";
  const n = Math.floor(rnd() * 7);
  for (let i = 0; i < n; i++) head += (rnd() < 0.5 ? recase(pick(FIELDS), rnd) : pick(FIELDS)) + "\r\n";
  head += "\r\n";
  // Mangle: replace, insert or delete a byte somewhere, sometimes twice.
  const edits = rnd() < 0.4 ? 0 : rnd() < 0.7 ? 1 : 2;
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * head.length);
    const kind = rnd();
    if (kind < 0.4) head = head.slice(0, at) + pick(EDGE) + head.slice(at + 1);
    else if (kind < 0.8) head = head.slice(0, at) + pick(EDGE) + head.slice(at);
    else head = head.slice(0, at) + head.slice(at + 1);
  }
  return head + (rnd() < 0.3 ? '{"symbol":"BTCUSDT"}' : "");
}

function same(text: string, maxBytes: number): void {
  const bytes = bytesOf(text);
  assert.deepEqual(parseHead(bytes, maxBytes), referenceParseHead(bytes, maxBytes), JSON.stringify(text));
}

test("parseHead: the same verdict and head as the reference parser on 20,000 generated heads", () => {
  const rnd = mulberry32(20261206);
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < 20_000; i++) {
    const text = generate(rnd);
    same(text, 16_384);
    const verdict = parseHead(bytesOf(text), 16_384);
    if (typeof verdict === "object") accepted++;
    else if (verdict === "malformed") refused++;
  }
  // Both kinds are well represented, so the comparison covers acceptance and refusal alike.
  assert.ok(accepted > 5_000, `accepted ${accepted}`);
  assert.ok(refused > 3_000, `refused ${refused}`);
});

test("parseHead: a head cut short at every byte, and over the size limit, as the reference says", () => {
  const rnd = mulberry32(7);
  for (let i = 0; i < 200; i++) {
    const text = generate(rnd);
    for (let cut = 0; cut <= text.length; cut++) same(text.slice(0, cut), 16_384);
    same(text, 20); // over a small limit: too large (or malformed first)
  }
});

test("parseHead: the fields an order request needs", () => {
  const text = "POST /orders HTTP/1.1\r\nHost: 127.0.0.1:7777\r\nContent-Type: application/json\r\n" +
    "content-length: 20\r\nConnection: keep-alive\r\n\r\n";
  const head = parseHead(bytesOf(text), 16_384);
  assert.ok(typeof head === "object");
  assert.equal(head.method, "POST");
  assert.equal(head.target, "/orders");
  assert.equal(head.minor, 1);
  assert.equal(head.contentLength, 20);
  assert.equal(head.keepAlive, true);
  assert.equal(head.size, text.length);
  assert.deepEqual(head.headers[1], ["Content-Type", "application/json"]);
  assert.equal(
    parseHead(bytesOf("POST /orders HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 99),
    "malformed",
  );
  assert.equal(parseHead(bytesOf("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"), 99), "malformed");
});
