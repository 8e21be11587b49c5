/**
 * The node:http bridge over a real socket: a small body is read ahead and kept aside (the `Request` carries
 * none, and the body reader finds it), a larger one still comes as the request's stream, and a `jsonAnswer` is
 * written with its own text, type and length.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { jsonAnswer, readRequest, writeResponse } from "../../lib/control/_http_bridge.ts";
import { prereadBody } from "../../lib/control/_preread.ts";
import { readJsonObject } from "../../lib/control/body.ts";

const MAX = 64;

interface Seen {
  preread: string | undefined;
  hasStream: boolean;
  parsed: Record<string, unknown>;
}

async function withServer(run: (url: string, seen: Seen[]) => Promise<void>): Promise<void> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const request = await readRequest(req, "http://127.0.0.1", MAX);
      const bytes = prereadBody(request);
      const entry: Seen = {
        preread: bytes === undefined ? undefined : new TextDecoder().decode(bytes),
        hasStream: request.body !== null,
        parsed: {},
      };
      entry.parsed = await readJsonObject(request, { maxBytes: 1024 });
      seen.push(entry);
      await writeResponse(res, jsonAnswer({ echo: entry.parsed, n: seen.length }), {
        head: false,
        close: false,
      });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function post(url: string, body: string): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
}

test("a small body is read ahead and kept aside; the Request carries none; the body reader finds it", async () => {
  await withServer(async (url, seen) => {
    const body = '{"symbol":"BTCUSDT","side":"BUY"}';
    const res = await post(url, body);
    const text = await res.text();
    assert.equal(res.status, 200);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.preread, body);
    assert.equal(seen[0]!.hasStream, false);
    assert.deepEqual(seen[0]!.parsed, { symbol: "BTCUSDT", side: "BUY" });
    // The answer is the jsonAnswer's own text, typed and sized.
    assert.equal(text, '{"echo":{"symbol":"BTCUSDT","side":"BUY"},"n":1}');
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.equal(res.headers.get("content-length"), String(new TextEncoder().encode(text).length));
  });
});

test("a body over the read-ahead size still comes as the request's stream", async () => {
  await withServer(async (url, seen) => {
    const body = JSON.stringify({ note: "x".repeat(MAX * 2) });
    const res = await post(url, body);
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.preread, undefined);
    assert.equal(seen[0]!.hasStream, true);
    assert.equal(seen[0]!.parsed.note, "x".repeat(MAX * 2));
  });
});

test("jsonAnswer: any reader still gets its body (not only the node:http bridge)", async () => {
  const response = jsonAnswer({ orderId: 42, status: "NEW" });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), '{"orderId":42,"status":"NEW"}');
  assert.equal(await jsonAnswer(undefined).text(), "null");
});
