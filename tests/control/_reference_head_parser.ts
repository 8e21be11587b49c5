/**
 * The regular-expression head parser `_http1_parser.ts` had before it read bytes with a table (2026-12-06):
 * the reference `http1_parser_test.ts` compares the byte parser with, on generated and mangled heads.
 */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TARGET = /^[\x21-\x7e]+$/;
/** Control characters other than tab (a bare CR or LF inside a line among them). */
// deno-lint-ignore no-control-regex
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
const DIGITS = /^\d{1,15}$/;

type Head = Exclude<
  ReturnType<typeof import("../../lib/control/_http1_parser.ts").parseHead>,
  string | undefined
>;

/** The former `parseHead`. */
export function referenceParseHead(
  buf: Uint8Array,
  maxBytes: number,
  from = 0,
): Head | "too-large" | "malformed" | undefined {
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
    // `chunked` alone: no other transfer coding is decoded, so a body under one is refused, not read as plain.
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
