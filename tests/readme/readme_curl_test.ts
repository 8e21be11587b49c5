/**
 * The README's curl examples, run verbatim (parsed, then sent with fetch) against `main.ts` with no
 * configuration, in order. Each must succeed, except the one the README shows as bad input, which must be
 * refused with 400 naming the field. A streaming one (`curl -N …/events`) is read until its first complete
 * SSE block (or a bounded number of bytes or time), then closed, instead of waiting for Ctrl-C.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, spawnScript } from "../cli/_child.ts";

interface Curl {
  line: string;
  method: string;
  url: string;
  body: string | undefined;
  headers: Record<string, string>;
  /** `-N`: a stream (Server-Sent Events), read only up to its first block. */
  stream: boolean;
}

/** Bytes read from a stream before giving up on seeing a complete SSE block. */
const STREAM_BYTES = 64 * 1024;

/** Splits a shell line into words, honouring single quotes (all the README uses). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2]!);
  return out;
}

function parseCurls(markdown: string): Curl[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const curls: Curl[] = [];
  for (const block of blocks) {
    const joined = block.replace(/\\\n\s*/g, " ");
    for (const raw of joined.split("\n")) {
      const line = raw.trim();
      if (!line.startsWith("curl ")) continue;
      const w = words(line);
      const c: Curl = { line, method: "GET", url: "", body: undefined, headers: {}, stream: false };
      for (let i = 1; i < w.length; i++) {
        const a = w[i]!;
        if (a === "-s") continue;
        if (a === "-N") c.stream = true;
        else if (a.startsWith("-") && !a.startsWith("-X") && a !== "-H" && a !== "-d") {
          throw new Error(`README curl: unsupported option ${a} in: ${line}`);
        }
        if (a.startsWith("-X")) c.method = a.slice(2) || w[++i]!;
        else if (a === "-H") {
          const [k, ...v] = w[++i]!.split(":");
          c.headers[k!.trim()] = v.join(":").trim();
        } else if (a === "-d") c.body = w[++i]!;
        else c.url = a.startsWith("http") ? a : "http://" + a;
      }
      if (c.body !== undefined && c.method === "GET") c.method = "POST";
      curls.push(c);
    }
  }
  return curls;
}

/**
 * Reads `body` until the first complete SSE block (text up to a blank line), at most STREAM_BYTES or 10 s,
 * then aborts the request. Returns the block without its blank line.
 */
async function firstSseBlock(body: ReadableStream<Uint8Array>, abort: AbortController): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const timer = setTimeout(() => abort.abort(), 10_000);
  let text = "";
  try {
    while (!text.includes("\n\n") && text.length < STREAM_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  const end = text.indexOf("\n\n");
  assert.ok(
    end > 0,
    `no complete SSE block in the first ${text.length} bytes: ${JSON.stringify(text.slice(0, 200))}`,
  );
  return text.slice(0, end);
}

test("README: every curl example works verbatim against the default start", { timeout: 60_000 }, async () => {
  const curls = parseCurls(readFileSync(join(REPO, "README.md"), "utf8"));
  assert.ok(curls.length >= 15, `found ${curls.length} curl examples`);
  assert.ok(curls.some((c) => c.stream && c.url.endsWith("/events")), "the README shows curl -N …/events");
  const dataDir = mkdtempSync(join(tmpdir(), "lr-readme-"));
  // Port 0 (a free port) instead of 7777, so a router already running on this machine does not interfere.
  const child = spawnScript("main.ts", ["--port", "0", "--data-dir", dataDir]);
  try {
    const [, port] = await child.waitForStderr(/control\s+http:\/\/127\.0\.0\.1:(\d+)/);
    for (const c of curls) {
      const abort = new AbortController();
      const res = await fetch(c.url.replace("localhost:7777", `localhost:${port}`), {
        method: c.method,
        headers: c.headers,
        signal: abort.signal,
        ...(c.body === undefined ? {} : { body: c.body }),
      });
      if (c.stream) {
        assert.equal(res.status, 200, c.line);
        assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/, c.line);
        const first = await firstSseBlock(res.body!, abort);
        assert.match(
          first,
          /^(:[^\n]*|(id|event|data|retry): [^\n]*)(\n(:[^\n]*|(id|event|data|retry): [^\n]*))*$/,
          c.line,
        );
        continue;
      }
      const text = await res.text();
      if (c.body?.includes('"quantity":"abc"')) {
        assert.equal(res.status, 400, c.line);
        assert.match(JSON.parse(text).msg, /quantity/);
      } else {
        assert.equal(res.status, 200, `${c.line}\n→ ${res.status} ${text}`);
      }
    }
  } finally {
    child.kill("SIGTERM");
    await child.exited();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
