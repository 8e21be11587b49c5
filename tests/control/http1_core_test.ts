/**
 * The HTTP/1.1 server core (`_http1_server.ts`, `_http1_connection.ts`) fed bytes directly, without a socket,
 * so every split of a request can be tried and time is a manual clock: a request split at every byte position
 * gets the same answers as in one piece; chunked bodies, `Expect: 100-continue`, pipelining, HEAD, HTTP/1.0;
 * the JSON refusals (400, 431, 408) byte for byte as `node:http`'s server (`_serve_node.ts`) sends them; the
 * header, body and idle timeouts; the connection limit; close().
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { STATUS_CODES } from "node:http";
import { chunkFrame, REASON_PHRASES, utf8Length } from "../../lib/control/_http1_answer.ts";
import { Http1Server, type Http1ServerOptions } from "../../lib/control/_http1_server.ts";
import type { Http1Connection } from "../../lib/control/_http1_connection.ts";
import type { Http1Transport } from "../../lib/control/_http1_byte_socket.ts";
import { prereadBody } from "../../lib/control/_preread.ts";
import { BodyCutOffError } from "../../lib/control/_http_bridge.ts";
import type { RawAnswer } from "../../lib/control/server.ts";
import { ManualClock } from "../_manual_clock.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A transport that keeps what is written, and tells the connection when it is closed. */
class FakeIo implements Http1Transport {
  text = "";
  state: "open" | "ended" | "destroyed" = "open";
  connection: Http1Connection | undefined;
  readonly bufferedBytes = 0;
  write(data: Uint8Array | string): void {
    if (this.state !== "open") throw new Error(`write after ${this.state}: ${String(data).slice(0, 40)}`);
    this.text += typeof data === "string" ? data : decoder.decode(data);
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  end(): void {
    this.#close("ended");
  }
  destroy(): void {
    this.#close("destroyed");
  }
  #close(state: "ended" | "destroyed"): void {
    if (this.state !== "open") return;
    this.state = state;
    this.connection?.gone();
  }
}

/** Echoes method, path, body and a header back as JSON; `seen` lists what the app got. */
function echoServer(options: Partial<Http1ServerOptions> = {}) {
  const clock = new ManualClock();
  const seen: string[] = [];
  const notices: Record<string, string>[] = [];
  const server = new Http1Server({
    hostname: "127.0.0.1",
    port: 0,
    clock,
    notices: { clock },
    onNotice: (_msg, fields) => notices.push(fields),
    fetch: async (request) => {
      const preread = prereadBody(request);
      const body = preread !== undefined ? decoder.decode(preread) : await request.text();
      const path = new URL(request.url).pathname;
      seen.push(`${request.method} ${path}`);
      if (path === "/slow") await new Promise((r) => setTimeout(r, 5));
      return Response.json({ method: request.method, url: request.url, body, x: request.headers.get("x-a") });
    },
    ...options,
  });
  server.base = "http://127.0.0.1:7777";
  const open = () => {
    const io = new FakeIo();
    const connection = server.accept(io);
    assert.ok(connection !== undefined, "accepted");
    io.connection = connection;
    return { io, connection };
  };
  return { server, clock, seen, notices, open };
}

/** Lets the app's promises run until `condition` holds (bounded by turns of the event loop, not by time). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 0));
  assert.ok(condition(), `still waiting for ${what}`);
}

const answers = (text: string) => text.match(/HTTP\/1\.1 \d{3} /g) ?? [];
const withoutDate = (text: string) => text.replace(/^date: .*\r\n/gm, "");

const PIPELINE = "POST /a?q=1 HTTP/1.1\r\nHost: x\r\nX-A: one\r\nContent-Length: 5\r\n\r\nhello" +
  "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\n" +
  "GET /c HTTP/1.1\r\nHost: x\r\nX-A:  two \r\n\r\n";

test("a pipelined request split at every byte position gets the same three answers, in order", async () => {
  const s = echoServer();
  const bytes = encoder.encode(PIPELINE);
  const whole = s.open();
  whole.connection.receive(bytes);
  await until(() => answers(whole.io.text).length === 3, "three answers");
  const expected = withoutDate(whole.io.text);
  assert.match(expected, /"body":"hello"/);
  assert.match(expected, /"body":"abcde"/);
  assert.match(expected, /"x":"two"/);
  assert.deepEqual(s.seen, ["POST /a", "POST /b", "GET /c"]);
  for (let at = 1; at < bytes.length; at++) {
    const c = s.open();
    c.connection.receive(bytes.subarray(0, at));
    c.connection.receive(bytes.subarray(at));
    await until(() => answers(c.io.text).length === 3, `three answers, split at ${at}`);
    assert.equal(withoutDate(c.io.text), expected, `split at ${at}`);
  }
  const single = s.open();
  for (let at = 0; at < bytes.length; at++) single.connection.receive(bytes.subarray(at, at + 1));
  await until(() => answers(single.io.text).length === 3, "three answers, byte by byte");
  assert.equal(withoutDate(single.io.text), expected);
  await s.server.close();
});

test("pipelined answers keep the order of the requests even when the first takes longest", async () => {
  const s = echoServer();
  const c = s.open();
  c.connection.receive(encoder.encode(
    "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /last HTTP/1.1\r\nHost: x\r\n\r\n",
  ));
  await until(() => answers(c.io.text).length === 3, "three answers");
  const order = [...c.io.text.matchAll(/"url":"http:\/\/127\.0\.0\.1:7777(\/\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(order, ["/slow", "/fast", "/last"]);
  await s.server.close();
});

test("Expect: 100-continue gets a 100 before the body is sent; the answer follows the body", async () => {
  const s = echoServer();
  const c = s.open();
  c.connection.receive(
    encoder.encode("POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"),
  );
  assert.equal(c.io.text, "HTTP/1.1 100 Continue\r\n\r\n");
  c.connection.receive(encoder.encode("xyz"));
  await until(() => answers(c.io.text).length === 2, "the answer");
  assert.match(c.io.text, /"body":"xyz"/);
  await s.server.close();
});

test("HEAD gets the fields only; HTTP/1.0 is answered and closed", async () => {
  const s = echoServer();
  const head = s.open();
  head.connection.receive(encoder.encode("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n"));
  await until(() => answers(head.io.text).length === 1, "the HEAD answer");
  assert.ok(head.io.text.endsWith("\r\n\r\n"), "no body");
  assert.match(head.io.text, /^connection: keep-alive\r\n/m);
  const old = s.open();
  old.connection.receive(encoder.encode("GET /old HTTP/1.0\r\n\r\n"));
  await until(() => old.io.state !== "open", "the close");
  assert.match(old.io.text, /^connection: close\r\n/m);
  assert.match(old.io.text, /"method":"GET"/);
  await s.server.close();
});

/** What `_serve_node.ts` sends for what the parser refuses, byte for byte. */
function nodeRefusal(status: number, reason: string, body: object): string {
  const text = JSON.stringify(body);
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncache-control: no-store\r\n` +
    `content-length: ${text.length}\r\nconnection: close\r\n\r\n${text}`;
}
const MALFORMED = nodeRefusal(400, "Bad Request", { code: -1, msg: "malformed HTTP request" });
const TOO_LARGE = nodeRefusal(431, "Request Header Fields Too Large", { code: -1, msg: "headers too large" });
const TIMED_OUT = nodeRefusal(408, "Request Timeout", { code: -18, msg: "request not received in time" });

test("malformed heads get node:http's JSON 400 and the connection closes; the app never sees them", async () => {
  const s = echoServer();
  const bad = [
    "HELLO THERE\r\n\r\n",
    "GET / HTTP/2.0\r\n\r\n",
    "GET  / HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\nHost: x\n\n",
    "GET / HTTP/1.1\r\nHost x\r\n\r\n",
    "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
    "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",
    "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
    "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
    "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
    "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
  ];
  for (const text of bad) {
    const c = s.open();
    c.connection.receive(encoder.encode(text));
    await until(() => c.io.state !== "open", `the close after ${JSON.stringify(text)}`);
    assert.equal(c.io.text, MALFORMED, JSON.stringify(text));
  }
  assert.deepEqual(s.seen.filter((x) => x !== "POST /"), []);
  await s.server.close();
});

test("headers over 16 KiB get a 431, whether the blank line came or not", async () => {
  const s = echoServer();
  for (const end of ["\r\n", ""]) {
    const c = s.open();
    c.connection.receive(encoder.encode(`GET / HTTP/1.1\r\nX-Big: ${"a".repeat(17 * 1024)}\r\n${end}`));
    assert.equal(c.io.text, TOO_LARGE);
    assert.equal(c.io.state, "ended");
  }
  // Just under the limit is served.
  const ok = s.open();
  ok.connection.receive(encoder.encode(`GET / HTTP/1.1\r\nX-Big: ${"a".repeat(16 * 1024 - 40)}\r\n\r\n`));
  await until(() => answers(ok.io.text).length === 1, "the answer");
  assert.match(ok.io.text, /^HTTP\/1\.1 200 OK/);
  assert.deepEqual(s.seen, ["GET /"]);
  await s.server.close();
});

test("header timeout: half a head gets 408 (code -18) at the deadline, not before; one notice", async () => {
  const s = echoServer({ headerTimeoutMs: 1000, bodyTimeoutMs: 5000 });
  const c = s.open();
  c.connection.receive(encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n"));
  s.clock.advance(990);
  assert.equal(c.io.text, "");
  s.clock.advance(10);
  assert.equal(c.io.text, TIMED_OUT);
  assert.equal(c.io.state, "ended");
  assert.deepEqual(s.notices, [{ count: "1", total: "1" }]);
  assert.deepEqual(s.seen, []);
  await s.server.close();
});

test("body timeout: a stalled body gets 408, and the app's read of it fails as cut off", async () => {
  let failure: unknown;
  const s = echoServer({
    headerTimeoutMs: 1000,
    bodyTimeoutMs: 3000,
    fetch: async (request) => {
      try {
        await request.text();
      } catch (e) {
        failure = e;
      }
      return new Response("late");
    },
  });
  const c = s.open();
  c.connection.receive(encoder.encode("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345"));
  s.clock.advance(2000);
  assert.equal(c.io.text, "", "the header timeout no longer applies once the head is in");
  s.clock.advance(1000);
  assert.equal(c.io.text, TIMED_OUT);
  await until(() => failure !== undefined, "the app's failed read");
  assert.ok(failure instanceof BodyCutOffError, String(failure));
  await s.server.close();
});

test("keep-alive: an idle connection is closed at the idle timeout; the next request restarts the clock", async () => {
  const s = echoServer({ keepAliveTimeoutMs: 2000, headerTimeoutMs: 1000, bodyTimeoutMs: 1000 });
  const c = s.open();
  c.connection.receive(encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  await until(() => answers(c.io.text).length === 1, "the answer");
  assert.match(c.io.text, /^keep-alive: timeout=2\r\n/m);
  s.clock.advance(1500);
  assert.equal(c.io.state, "open", "idle, within the idle timeout (past the header timeout)");
  c.connection.receive(encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  await until(() => answers(c.io.text).length === 2, "the second answer");
  s.clock.advance(1990);
  assert.equal(c.io.state, "open");
  s.clock.advance(20);
  assert.equal(c.io.state, "destroyed");
  assert.equal(answers(c.io.text).length, 2, "closed without an answer");
  await s.server.close();
});

test("maxConnections: one more is refused; a closed one frees its slot", async () => {
  const s = echoServer({ maxConnections: 2 });
  const a = s.open();
  s.open();
  assert.equal(s.server.accept(new FakeIo()), undefined);
  a.io.destroy();
  s.open();
  await s.server.close();
});

test("close(): an idle or half-sent connection is closed at once; a request in progress is answered, then closed", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const s = echoServer({
    fetch: async () => {
      await gate;
      return new Response("done");
    },
  });
  const idle = s.open();
  const half = s.open();
  half.connection.receive(encoder.encode("GET / HT"));
  const busy = s.open();
  busy.connection.receive(encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  await new Promise((r) => setTimeout(r, 0));
  let closed = false;
  const closing = s.server.close().then(() => closed = true);
  assert.equal(idle.io.state, "destroyed");
  assert.equal(half.io.state, "destroyed");
  assert.equal(busy.io.state, "open");
  release();
  await closing;
  assert.equal(closed, true);
  assert.match(busy.io.text, /^connection: close\r\n/m);
  assert.ok(busy.io.text.endsWith("done"));
  assert.equal(busy.io.state, "ended");
});

test("a streamed answer is sent chunk by chunk and cancelled when the connection goes away", async () => {
  let cancelled = false;
  let push!: (text: string) => void;
  const s = echoServer({
    fetch: () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start: (c) => push = (text) => c.enqueue(encoder.encode(text)),
          cancel: () => void (cancelled = true),
        }),
        { headers: { "content-type": "text/event-stream" } },
      ),
  });
  const c = s.open();
  c.connection.receive(encoder.encode("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
  await until(() => push !== undefined && c.io.text.includes("\r\n\r\n"), "the stream's head");
  assert.match(c.io.text, /^transfer-encoding: chunked\r\n/m);
  push("data: 1\n\n");
  await until(() => c.io.text.endsWith("9\r\ndata: 1\n\n\r\n"), "the first chunk");
  c.io.destroy();
  await until(() => cancelled, "the cancel");
  await s.server.close();
});

test("the raw lane answers without the app when it returns an answer (repeated headers joined, as Headers does), and leaves the rest to it", async () => {
  const lanes: string[] = [];
  const s = echoServer({
    lane: {
      take: () => false,
      answerRead: (method, target, header, body, reply) => {
        lanes.push(`${method} ${target} ${header("x-a")} ${body === undefined ? "-" : decoder.decode(body)}`);
        if (target !== "/lane") return false;
        queueMicrotask(() =>
          reply({
            status: 201,
            headers: ["content-type", "text/plain", "cache-control", "no-store"],
            text: "from the lane",
          })
        );
        return true;
      },
    },
  });
  const c = s.open();
  c.connection.receive(encoder.encode(
    "POST /lane HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 2\r\n\r\nhiGET /app HTTP/1.1\r\nHost: x\r\n\r\n",
  ));
  await until(() => answers(c.io.text).length === 2, "two answers");
  assert.deepEqual(lanes, ["POST /lane 1, 2 hi", "GET /app undefined -"]);
  assert.deepEqual(s.seen, ["GET /app"]);
  assert.match(
    c.io.text,
    /^HTTP\/1\.1 201 Created\r\ncontent-type: text\/plain\r\ncache-control: no-store\r\n/,
  );
  assert.match(
    c.io.text,
    /content-length: 13\r\nconnection: keep-alive\r\nkeep-alive: timeout=30\r\n\r\nfrom the lane/,
  );
  await s.server.close();
});

test("warm: a canned request goes through a connection of its own and gets the canned answer; lane, app and connections untouched", async () => {
  const lanes: string[] = [];
  const s = echoServer({
    lane: {
      take: () => false,
      answerRead: (method, target, _header, _body, reply) => {
        lanes.push(`${method} ${target}`);
        reply({ status: 200, headers: ["content-type", "text/plain"], text: "lane" });
        return true;
      },
    },
  });
  const request = encoder.encode("POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
  const answer: RawAnswer = {
    status: 200,
    headers: ["content-type", "application/json"],
    text: '{"warm":1}',
  };
  const expected = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10\r\n" +
    "connection: keep-alive\r\nkeep-alive: timeout=30\r\n\r\n" + answer.text;
  // The bytes the answer would have had, date line and all: the head was parsed, the body read, the answer written.
  const written = s.server.warm(request, answer);
  assert.equal(written, expected.length + "date: Thu, 01 Jan 1970 00:00:00 GMT\r\n".length);
  assert.equal(s.server.warm(request, answer), written, "again: the same");
  assert.equal(
    s.server.warm(encoder.encode("POST /orders HTTP/1.1\r\nContent-Length: 5\r\n\r\n{}"), answer),
    0,
  );
  assert.deepEqual(lanes, [], "the lane was not asked");
  assert.deepEqual(s.seen, [], "nor the app");
  // A real connection afterwards is served by the lane as before.
  const c = s.open();
  c.connection.receive(request);
  await until(() => answers(c.io.text).length === 1, "the lane's answer");
  assert.deepEqual(lanes, ["POST /orders"]);
  assert.match(c.io.text, /\r\n\r\nlane$/);
  await s.server.close(); // resolves: the warm-ups' connections were never the server's to wait for
});

test("a client that pipelines far ahead of a slow answer is cut instead of buffered for", async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const s = echoServer({
    fetch: async () => {
      await gate;
      return new Response("late");
    },
  });
  const c = s.open();
  c.connection.receive(encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  const more = encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(1000));
  for (let sent = 0; sent <= 1024 * 1024 && c.io.state === "open"; sent += more.length) {
    c.connection.receive(more);
  }
  assert.equal(c.io.state, "destroyed");
  release();
  await s.server.close();
});

test("a stream to an HTTP/1.0 client goes out unframed and ends with the connection", async () => {
  const s = echoServer({
    fetch: () => new Response("data: 1\n\n", { headers: { "content-type": "text/event-stream" } }),
  });
  const c = s.open();
  c.connection.receive(encoder.encode("GET /events HTTP/1.0\r\n\r\n"));
  await until(() => c.io.state !== "open", "the close");
  assert.doesNotMatch(c.io.text, /transfer-encoding/);
  assert.ok(c.io.text.endsWith("connection: close\r\n\r\ndata: 1\n\n"), c.io.text);
  await s.server.close();
});

test("http1 answers: the reason phrases are node:http's, for every status code it names", () => {
  for (const [code, phrase] of Object.entries(STATUS_CODES)) {
    assert.equal(REASON_PHRASES[Number(code)], phrase, code);
  }
  assert.equal(Object.keys(REASON_PHRASES).length, Object.keys(STATUS_CODES).length);
});

test("http1 answers: utf8Length counts the bytes the socket writes, short or long, lone surrogates as U+FFFD", () => {
  // Units that exercise every width: ASCII, 2-byte, 3-byte, a pair (4 bytes), and lone high and low surrogates.
  const units = ["a", "{", "é", "币", "€", "\u{1F680}", "\ud800", "\udc00", "\ud83d"];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const texts = ["", "plain ascii", "\ud800\udc00", "x\ud800", "\udfff"];
  for (let i = 0; i < 300; i++) {
    let t = "";
    const n = Math.floor(random() * 40);
    for (let k = 0; k < n; k++) t += units[Math.floor(random() * units.length)];
    texts.push(t);
  }
  // Around the scratch array's limit (21,845 chars), so both ways of counting are held to the encoder.
  for (const n of [21_844, 21_845, 21_846, 70_000]) texts.push("é".repeat(n), "a".repeat(n - 1) + "\ud800");
  for (const t of texts) {
    assert.equal(utf8Length(t), encoder.encode(t).length, JSON.stringify(t.slice(0, 20)));
  }
});

test("http1 answers: a non-ASCII answer's content-length is its UTF-8 size", async () => {
  const text = JSON.stringify({ symbol: "币安人生USDT", note: "é\u{1F680}" });
  const s = echoServer({
    lane: {
      take: () => false,
      answerRead: (_method, _target, _header, _body, reply) => {
        reply({ status: 200, headers: ["content-type", "application/json"], text });
        return true;
      },
    },
  });
  const c = s.open();
  c.connection.receive(encoder.encode("GET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  await until(() => c.io.text.endsWith(text), "the answer");
  assert.match(c.io.text, new RegExp(`content-length: ${encoder.encode(text).length}\\r\\n`));
  assert.notEqual(encoder.encode(text).length, text.length, "the text is not ASCII");
  await s.server.close();
});

test("http1 answers: chunkFrame frames every size as size-in-hex CRLF data CRLF, and each frame keeps its bytes", () => {
  const frames: { frame: Uint8Array; n: number }[] = [];
  for (const n of [1, 9, 15, 16, 255, 256, 4095, 4096, 16_383, 16_384, 65_535, 65_536, 100_000]) {
    const data = new Uint8Array(n).map((_, i) => (i * 7 + n) & 0xff);
    const frame = chunkFrame(data);
    const head = encoder.encode(`${n.toString(16)}\r\n`);
    assert.deepEqual(frame.subarray(0, head.length), head, `size line of ${n}`);
    assert.deepEqual(frame.subarray(head.length, head.length + n), data, `data of ${n}`);
    assert.deepEqual([...frame.subarray(head.length + n)], [13, 10], `end of ${n}`);
    frames.push({ frame, n });
  }
  // Later frames (cut from the same pool) did not write over earlier ones.
  for (const { frame, n } of frames) {
    const at = n.toString(16).length + 2;
    assert.equal(frame[at + n - 1], ((n - 1) * 7 + n) & 0xff, `last data byte of ${n}`);
  }
});

test("the raw lane's answer is written within its reply call, once; a pipelined request waits for it", async () => {
  const replies: ((answer: RawAnswer) => void)[] = [];
  const s = echoServer({
    lane: {
      take: () => false,
      answerRead: (_method, target, _header, _body, reply) => {
        if (target !== "/lane") return false;
        replies.push(reply);
        return true;
      },
    },
  });
  const c = s.open();
  c.connection.receive(encoder.encode(
    "POST /lane HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /app HTTP/1.1\r\nHost: x\r\n\r\n",
  ));
  await until(() => replies.length === 1, "the lane's request");
  assert.equal(c.io.text, "", "nothing written before the reply");
  assert.deepEqual(s.seen, [], "the pipelined request waits");
  const answer: RawAnswer = { status: 200, headers: ["content-type", "text/plain"], text: "acked" };
  replies[0]!(answer);
  // No await in between: the exchange's answer and the trader's leave in the same turn.
  assert.match(c.io.text, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nacked$/);
  replies[0]!({ ...answer, text: "twice" });
  await until(() => answers(c.io.text).length === 2, "the pipelined answer");
  assert.deepEqual(s.seen, ["GET /app"]);
  assert.ok(!c.io.text.includes("twice"), "a second reply is dropped");
});
