/**
 * Control-plane micro-benchmarks with mitata, on whichever runtime runs this file: validating a `POST /orders`
 * body with zod vs the precompiled LIMIT/MARKET check (`lib/control/place_fast_path.ts`), the local socket's
 * handling of one message up to the router call, and turning an order result into answer JSON — a plain object
 * vs the lazy result the router resolves with (`lib/wire/lazy_result.ts`), whose first full read parses the
 * frame and goes through a Proxy. The body's key check (`lib/control/json_keys.ts`: a key given twice or
 * `__proto__`), which every JSON body and local-socket message passes. And a request head (137 bytes) read as text: `String.fromCharCode.apply`, as the
 * parser did before the twelfth session (an argument list of one element per byte), against `latin1`
 * (`lib/control/_bytes.ts`, `Buffer`'s native Latin-1 slice), and the whole head parse.
 *
 * Run: `deno run -A bench/control_micro.ts` or `bun bench/control_micro.ts` (`BENCH_MICRO_MS`).
 */
import process from "node:process";
import { measure } from "mitata";
import { fastPlaceRequest } from "../lib/control/place_fast_path.ts";
import { hiddenKey } from "../lib/control/json_keys.ts";
import { placeSchema } from "../lib/control/schemas.ts";
import { validate } from "../lib/control/validation.ts";
import { chunkFrame, utf8Length } from "../lib/control/_http1_answer.ts";
import { latin1 } from "../lib/control/_bytes.ts";
import { parseHead } from "../lib/control/_http1_parser.ts";
import { WsConnection } from "../lib/control/_ws_connection.ts";
import { LocalSocketSession } from "../lib/control/local_socket.ts";
import type { OrderOps } from "../lib/control/order_ops.ts";
import { AnswerScanner } from "../lib/wire/answer_scanner.ts";
import { scanOrderResult } from "../lib/wire/lazy_result.ts";
import { ackFrame, LIMIT_ORDER } from "./_fixtures.ts";
import { printResults } from "./_support/print.ts";
import { type NewResult, recordResults } from "./_support/results.ts";
import { runtimeLabel } from "./_support/runtime.ts";
import { SIZES } from "./_support/settings.ts";

const GROUP = "control plane (micro)";
/** As a socket's bytes decode: a flat string (a template literal's would be a rope, scanned slower on V8). */
const BODY_TEXT = new TextDecoder().decode(new TextEncoder().encode(JSON.stringify(LIMIT_ORDER)));
const BODY_PARSED: unknown = JSON.parse(BODY_TEXT);
const FRAME = ackFrame(1);
const scanner = new AnswerScanner();
if (!scanner.scan(FRAME)) throw new Error("ack frame not scanned");
const PLAIN = (JSON.parse(FRAME) as { result: unknown }).result;
const lazy = () => scanOrderResult(FRAME, scanner.answer.resultStart, scanner.answer.resultEnd)!;
if (JSON.stringify(lazy()) !== JSON.stringify(PLAIN)) {
  throw new Error("lazy result differs from the plain one");
}

/** Answer texts as the app makes them (flat strings): an order, and a `/metrics` page of the simulator's size. */
const ANSWER_TEXT = JSON.stringify(PLAIN);
const METRICS_TEXT = Array.from(
  { length: 150 },
  (_, i) => `lightning_requests_total{method="order.place",outcome="ok"} ${i * 17}`,
).join("\n");

/**
 * The local socket's WebSocket layer alone (`_ws_connection.ts`) over a stand-in socket: a masked client frame
 * holding a place message is read from a reused buffer, as a socket delivers it, and the answer is framed and
 * written.
 */
function wsRoundTrip(): () => void {
  const bytes = new TextEncoder().encode(MESSAGE);
  const n = bytes.byteLength;
  const head = n < 126 ? [0x81, 0x80 | n] : [0x81, 0x80 | 126, n >> 8, n & 0xff];
  const frame = new Uint8Array(head.length + 4 + n);
  frame.set(head);
  frame.set([0x12, 0x34, 0x56, 0x78], head.length);
  for (let i = 0; i < n; i++) frame[head.length + 4 + i] = bytes[i]! ^ frame[head.length + (i & 3)]!;
  let deliver: (bytes: Uint8Array) => void = () => {};
  let written = 0;
  let ws: WsConnection | undefined = undefined;
  ws = new WsConnection(
    {
      write: (data: Uint8Array | string) =>
        void (written += typeof data === "string" ? data.length : data.byteLength),
      end: () => {},
      destroy: () => {},
      bufferedBytes: 0,
      listen: (onData) => void (deliver = onData),
    },
    new Uint8Array(0),
    { maxMessageBytes: 65_536, onText: () => ws!.send(ANSWER_TEXT), onClose: () => {} },
  );
  const readBuffer = new Uint8Array(64 * 1024);
  deliver(frame);
  if (written === 0) throw new Error("the ws case answered nothing");
  return () => {
    readBuffer.set(frame);
    deliver(readBuffer.subarray(0, frame.byteLength));
  };
}

/** A curl-like `POST /orders` head, in a read buffer as a socket delivers it. */
const HEAD = new TextEncoder().encode(
  "POST /orders HTTP/1.1\r\nHost: 127.0.0.1:7777\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n" +
    "Content-Type: application/json\r\nContent-Length: 143\r\n\r\n",
);
const HEAD_BUFFER = new Uint8Array(16 * 1024);
HEAD_BUFFER.set(HEAD);
const HEAD_TEXT_END = HEAD.byteLength - 2;
const headByApply = () =>
  String.fromCharCode.apply(null, HEAD_BUFFER.subarray(0, HEAD_TEXT_END) as unknown as number[]);
if (latin1(HEAD_BUFFER, 0, HEAD_TEXT_END) !== headByApply()) throw new Error("latin1 differs from apply");

/** Chunks of a streamed body: an `/events` write of one event, and of a batch. */
const CHUNK_300 = new Uint8Array(300).fill(0x61);
const CHUNK_4K = new Uint8Array(4000).fill(0x61);

let sink: unknown;
const ops: OrderOps = {
  place: (body) => (sink = body, Promise.resolve(PLAIN)),
  modify: () => Promise.resolve(PLAIN),
  cancel: () => Promise.resolve(PLAIN),
  query: () => Promise.resolve(PLAIN),
  cancelAll: () => Promise.resolve(PLAIN),
  answerPromptly: () => false,
};
const session = new LocalSocketSession({ ops, send: () => true });
/** Decoded from bytes, as the socket's message is: a flat string (the template literal alone is a rope). */
const MESSAGE = new TextDecoder().decode(
  new TextEncoder().encode(`{"id":1,"op":"place","params":${BODY_TEXT}}`),
);

const cases: [string, () => unknown][] = [
  ["POST /orders body: JSON.parse + zod placeSchema", () => validate(placeSchema, JSON.parse(BODY_TEXT))],
  [
    "POST /orders body: JSON.parse + precompiled LIMIT/MARKET check",
    () => fastPlaceRequest(JSON.parse(BODY_TEXT)),
  ],
  [
    "POST /orders body: key check (a key given twice, __proto__) after JSON.parse",
    () => hiddenKey(BODY_TEXT, BODY_PARSED),
  ],
  ["local socket: one place message to the router call", () => session.receive(MESSAGE)],
  ["answer JSON of a plain order result (JSON.stringify)", () => JSON.stringify(PLAIN)],
  ["answer JSON of the router's lazy order result (JSON.stringify)", () => JSON.stringify(lazy())],
  ["local socket framing: a masked place message received, its answer framed and written", wsRoundTrip()],
  ["answer's content-length: UTF-8 size of an order answer", () => utf8Length(ANSWER_TEXT)],
  ["request head as text (137 B): String.fromCharCode.apply (before)", headByApply],
  [
    "request head as text (137 B): latin1, Buffer's native slice",
    () => latin1(HEAD_BUFFER, 0, HEAD_TEXT_END),
  ],
  [
    "request head parsed (parseHead, 5 fields)",
    () => parseHead(HEAD_BUFFER.subarray(0, HEAD.byteLength), 16_384),
  ],
  ["chunked body: a 300-byte chunk framed (an /events write)", () => chunkFrame(CHUNK_300)],
  ["chunked body: a 4 KB chunk framed", () => chunkFrame(CHUNK_4K)],
  ["answer's content-length: UTF-8 size of a /metrics text (9 KB)", () => utf8Length(METRICS_TEXT)],
];

const results: NewResult[] = [];
for (const [name, run] of cases) {
  const stats = await measure(run, { min_cpu_time: SIZES.microMs * 1e6 });
  results.push({ group: GROUP, name, median: stats.p50, p99: stats.p99, unit: "ns", n: stats.ticks });
}
void sink;
printResults(`control plane micro-benchmarks, ${runtimeLabel()}`, results);
recordResults(results);
process.exit(0);
