/**
 * This runtime's HTTP/1.1 server on raw TCP (`_serve_deno.ts` on Deno, `_serve_bun.ts` on Bun) over real
 * sockets: pipelined and chunked requests, `Expect: 100-continue`, the JSON refusals, the header timeout, the
 * connection limit, a bind failure, a streamed answer cancelled when the client goes away, a WebSocket
 * upgrade (`_upgrade.ts` over the server's byte socket, and over `node:http`'s socket, which `serve` no longer
 * uses on Deno or Bun) and close().
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { serveDeno } from "../../lib/control/_serve_deno.ts";
import { serveBun } from "../../lib/control/_serve_bun.ts";
import { serveNode } from "../../lib/control/_serve_node.ts";
import { takeUpgrade } from "../../lib/control/_upgrade.ts";
import { prereadBody } from "../../lib/control/_preread.ts";
import type { ControlServer, ServeOptions } from "../../lib/control/server.ts";
import { head, openRaw } from "./_raw.ts";
import { waitFor } from "./_stack.ts";

const serveHttp1 = "Bun" in globalThis ? serveBun : serveDeno;
const decoder = new TextDecoder();

/** Echoes the body (read ahead or streamed) with the method and path; GET /ws accepts a WebSocket echo. */
function start(options: Partial<ServeOptions> = {}, serveWith = serveHttp1): Promise<ControlServer> {
  return serveWith({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      const offer = takeUpgrade(request);
      if (offer !== undefined) {
        const ws = offer.accept({
          maxMessageBytes: 1024,
          onText: (text) => ws.send(`echo ${text}`),
          onClose: () => {},
        });
        return new Response(null, { status: 204 });
      }
      const preread = prereadBody(request);
      const body = preread !== undefined ? decoder.decode(preread) : await request.text();
      return new Response(`${request.method} ${new URL(request.url).pathname} ${body}`);
    },
    ...options,
  });
}

/** Sends `parts` one write each (the rest once `expectFirst` matched what came back, or at once); reads until close. */
function exchange(port: number, parts: string[], expectFirst?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close; got ${JSON.stringify(data)}`));
    }, 5000);
    socket.setEncoding("utf8");
    socket.on("error", () => {});
    socket.on("data", (chunk: string) => {
      data += chunk;
      if (expectFirst !== undefined && expectFirst.test(data) && parts.length > 0) {
        socket.write(parts.shift()!);
      }
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.on("connect", () => {
      socket.write(parts.shift()!);
      if (expectFirst === undefined) { for (const part of parts.splice(0)) socket.write(part); }
    });
  });
}

test("pipelined requests, one chunked, are answered in order; Connection: close ends the connection", async () => {
  const server = await start();
  try {
    const text = await exchange(server.port, [
      "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc" +
      "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n",
      "1\r\nf\r\n0\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ]);
    const bodies = [...text.matchAll(/\r\n\r\n([A-Z]+ \/\w [a-z]*)/g)].map((m) => m[1]);
    assert.deepEqual(bodies, ["POST /a abc", "POST /b def", "GET /c "]);
    assert.match(text, /connection: close\r\n\r\nGET \/c $/);
  } finally {
    await server.close();
  }
});

test("Expect: 100-continue: the 100 comes first, the body after it, then the answer", async () => {
  const server = await start();
  try {
    const body = "x".repeat(2000);
    const text = await exchange(server.port, [
      `POST /big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      body,
    ], /^HTTP\/1\.1 100 Continue\r\n\r\n$/);
    assert.ok(text.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), text.slice(0, 80));
    assert.ok(text.endsWith(`POST /big ${body}`));
  } finally {
    await server.close();
  }
});

test("malformed HTTP gets the JSON 400 (code -1) and a close; headers over 16 KiB a 431", async () => {
  const server = await start();
  try {
    const bad = await (await openRaw(server.port, "HELLO THERE\r\n\r\n")).closed;
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, { code: -1, msg: "malformed HTTP request" });
    const big = await (await openRaw(server.port, `GET / HTTP/1.1\r\nX: ${"a".repeat(17_000)}\r\n\r\n`))
      .closed;
    assert.equal(big.status, 431);
    assert.deepEqual(big.body, { code: -1, msg: "headers too large" });
  } finally {
    await server.close();
  }
});

test("header timeout: half a head gets 408 (code -18) and a close; one notice", async () => {
  const notices: Record<string, string>[] = [];
  const server = await start({
    headerTimeoutMs: 100,
    bodyTimeoutMs: 1000,
    onNotice: (_m, f) => notices.push(f),
  });
  try {
    const half = await (await openRaw(server.port, head("GET", "/", server.port))).closed;
    assert.equal(half.status, 408);
    assert.equal(half.body.code, -18);
    assert.deepEqual(notices, [{ count: "1", total: "1" }]);
  } finally {
    await server.close();
  }
});

test("maxConnections: one over the limit is closed unanswered", async () => {
  const server = await start({ maxConnections: 2 });
  const held = [await openRaw(server.port, ""), await openRaw(server.port, "")];
  try {
    await new Promise((r) => setTimeout(r, 50)); // the server accepts in arrival order
    const over = await (await openRaw(server.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")).closed;
    assert.equal(over.status, 0, over.data);
    assert.ok(held.every((c) => !c.isClosed));
  } finally {
    for (const c of held) c.destroy();
    await server.close();
  }
});

test("a port in use is a rejected start", async () => {
  const server = await start();
  try {
    await assert.rejects(start({ port: server.port }));
  } finally {
    await server.close();
  }
});

test("a streamed answer arrives chunk by chunk and is cancelled when the client goes away", async () => {
  let cancelled = false;
  let push: ((text: string) => void) | undefined;
  const server = await serveHttp1({
    hostname: "127.0.0.1",
    port: 0,
    fetch: () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start: (c) => push = (text) => c.enqueue(new TextEncoder().encode(text)),
          cancel: () => void (cancelled = true),
        }),
        { headers: { "content-type": "text/event-stream" } },
      ),
  });
  try {
    const aborter = new AbortController();
    const response = await fetch(`${server.url}/events`, { signal: aborter.signal });
    const reader = response.body!.getReader();
    push!("data: one\n\n");
    assert.equal(decoder.decode((await reader.read()).value), "data: one\n\n");
    push!("data: two\n\n");
    assert.equal(decoder.decode((await reader.read()).value), "data: two\n\n");
    aborter.abort();
    await reader.cancel().catch(() => {});
    await waitFor(() => cancelled, 5000, "the stream's cancel");
  } finally {
    await server.close();
  }
});

for (const [name, serveWith] of [["HTTP/1.1 core", serveHttp1], ["node:http", serveNode]] as const) {
  test(`WebSocket upgrade on ${name}: messages both ways over the server's socket; close() sends 1001`, async () => {
    const server = await start({}, serveWith);
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
      const received: string[] = [];
      const closed = new Promise<number>((resolve) => ws.onclose = (e) => resolve(e.code));
      ws.onmessage = (e) => received.push(String(e.data));
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = reject;
      });
      ws.send("hello");
      ws.send("x".repeat(1000));
      await waitFor(() => received.length === 2, 5000, "the echoes");
      assert.deepEqual(received, ["echo hello", `echo ${"x".repeat(1000)}`]);
      await server.close();
      assert.equal(await closed, 1001);
    } finally {
      await server.close();
    }
  });
}

test("close(): a request in progress is answered with Connection: close; the server then stops", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const server = await serveHttp1({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async () => {
      await gate;
      return new Response("done");
    },
  });
  const answer = exchange(server.port, ["GET / HTTP/1.1\r\nHost: x\r\n\r\n"]);
  await new Promise((r) => setTimeout(r, 50));
  const closing = server.close();
  release();
  const text = await answer;
  assert.match(text, /^connection: close\r\n/m);
  assert.ok(text.endsWith("done"));
  await closing;
});
