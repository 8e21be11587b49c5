/**
 * The WebSocket connection of the local socket (lib/control/_ws_connection.ts) over a fake byte socket:
 * messages of every length class (7-bit, 16-bit, 64-bit) both ways, cut into chunks at random points and
 * packed several to a chunk, through a read buffer the fake socket overwrites after each call (bytes are valid
 * during the call only); frames the socket keeps unsent while many more are written (the send pool is never
 * reused under them). Every frame the server writes is parsed here by a decoder of the test's own.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { WsConnection } from "../../lib/control/_ws_connection.ts";
import type { ByteSocket } from "../../lib/control/_http1_byte_socket.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A client frame: FIN set, masked with `mask`. */
function clientFrame(opcode: number, payload: Uint8Array, mask: number[], fin = true): Uint8Array {
  const n = payload.byteLength;
  const head = n < 126
    ? [n]
    : n < 65536
    ? [126, n >> 8, n & 255]
    : [127, 0, 0, 0, 0, n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  const out = new Uint8Array(1 + head.length + 4 + n);
  out[0] = (fin ? 0x80 : 0) | opcode;
  out.set(head, 1);
  out[1] = out[1]! | 0x80;
  out.set(mask, 1 + head.length);
  const at = 1 + head.length + 4;
  for (let i = 0; i < n; i++) out[at + i] = payload[i]! ^ mask[i & 3]!;
  return out;
}

/** The frames in `bytes`, parsed as a client parses a server's (unmasked). */
function serverFrames(bytes: Uint8Array): { opcode: number; payload: Uint8Array }[] {
  const frames: { opcode: number; payload: Uint8Array }[] = [];
  let p = 0;
  while (p < bytes.byteLength) {
    const b1 = bytes[p + 1]!;
    assert.equal(b1 & 0x80, 0, "server frames are not masked");
    let n = b1 & 0x7f;
    let at = p + 2;
    if (n === 126) {
      n = (bytes[p + 2]! << 8) | bytes[p + 3]!;
      at = p + 4;
    } else if (n === 127) {
      assert.equal(bytes[p + 2]! | bytes[p + 3]! | bytes[p + 4]! | bytes[p + 5]!, 0);
      n = bytes[p + 6]! * 0x1000000 + ((bytes[p + 7]! << 16) | (bytes[p + 8]! << 8) | bytes[p + 9]!);
      at = p + 10;
    }
    frames.push({ opcode: bytes[p]! & 0x0f, payload: bytes.slice(at, at + n) });
    p = at + n;
  }
  assert.equal(p, bytes.byteLength, "the writes end on a frame boundary");
  return frames;
}

/** A byte socket that keeps every write (unsent, by reference) and delivers bytes through one reused buffer. */
function fakeSocket() {
  const writes: Uint8Array[] = [];
  let onData: (bytes: Uint8Array) => void = () => {};
  const readBuffer = new Uint8Array(256 * 1024);
  const socket: ByteSocket = {
    write: (data) => void writes.push(typeof data === "string" ? encoder.encode(data) : data),
    end: () => {},
    destroy: () => {},
    bufferedBytes: 0,
    listen: (data) => void (onData = data),
  };
  const deliver = (chunk: Uint8Array) => {
    readBuffer.set(chunk);
    onData(readBuffer.subarray(0, chunk.byteLength));
    readBuffer.fill(0xee, 0, chunk.byteLength); // what the call did not copy is gone
  };
  const written = () => {
    const all = new Uint8Array(writes.reduce((n, w) => n + w.byteLength, 0));
    let at = 0;
    for (const w of writes) {
      all.set(w, at);
      at += w.byteLength;
    }
    return all;
  };
  return { socket, deliver, written, writes };
}

function randomText(random: () => number, n: number): string {
  const units = ["a", "{", '"', "é", "币", "\u{1F680}"];
  let t = "";
  while (t.length < n) t += units[Math.floor(random() * units.length)];
  return t;
}

test("ws connection: messages of every length class echo intact through random chunking", () => {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const { socket, deliver, written } = fakeSocket();
  const received: string[] = [];
  let ws: WsConnection | undefined = undefined;
  ws = new WsConnection(socket, new Uint8Array(0), {
    maxMessageBytes: 1 << 20,
    onText: (text) => {
      received.push(text);
      ws!.send(text);
    },
    onClose: () => {},
  });
  const lengths = [0, 1, 125, 126, 127, 200, 16_000, 30_000, 65_535, 65_536, 70_000];
  const texts = lengths.map((n) => randomText(random, n)).concat(
    Array.from({ length: 60 }, () => randomText(random, Math.floor(random() * 400))),
  );
  const stream: number[] = [];
  for (const t of texts) {
    const mask = [0, 1, 2, 3].map(() => Math.floor(random() * 256));
    stream.push(...clientFrame(0x1, encoder.encode(t), mask));
  }
  const bytes = Uint8Array.from(stream);
  for (let p = 0; p < bytes.byteLength;) {
    const n = Math.min(bytes.byteLength - p, 1 + Math.floor(random() * 9000));
    deliver(bytes.subarray(p, p + n));
    p += n;
  }
  assert.deepEqual(received, texts, "every message arrives whole, in order");
  const echoed = serverFrames(written());
  assert.deepEqual(echoed.map((f) => f.opcode), texts.map(() => 0x1));
  assert.deepEqual(echoed.map((f) => decoder.decode(f.payload)), texts, "every answer is written whole");
});

test("ws connection: frames the socket keeps unsent stay as written while thousands more are sent", () => {
  const { socket, deliver, writes } = fakeSocket();
  const texts = Array.from({ length: 3000 }, (_, i) => `answer ${i} `.repeat(1 + (i % 40)));
  let next = 0;
  let ws: WsConnection | undefined = undefined;
  ws = new WsConnection(socket, new Uint8Array(0), {
    maxMessageBytes: 1 << 16,
    onText: () => {
      for (let k = 0; k < 100; k++) ws!.send(texts[next++]!);
    },
    onClose: () => {},
  });
  for (let i = 0; i < 30; i++) deliver(clientFrame(0x1, encoder.encode("go"), [9, 8, 7, 6]));
  assert.equal(writes.length, 3000);
  // Checked only now, after every send: a reused pool block would have overwritten earlier frames.
  for (let i = 0; i < writes.length; i++) {
    const [f] = serverFrames(writes[i]!);
    assert.equal(decoder.decode(f!.payload), texts[i], `frame ${i}`);
  }
});

/** A connection on a fake socket that records the texts it hands on and the code it reports closing with. */
function recordingConnection(maxMessageBytes: number) {
  const fake = fakeSocket();
  const received: string[] = [];
  const seen = { closedWith: undefined as number | undefined };
  new WsConnection(fake.socket, new Uint8Array(0), {
    maxMessageBytes,
    onText: (text) => void received.push(text),
    onClose: (code) => void (seen.closedWith = code),
  });
  return { ...fake, received, closedWith: () => seen.closedWith };
}

test("ws connection: a ping mid-message gets its pong; a close gets its echo with the code", () => {
  const { deliver, written, received, closedWith } = recordingConnection(1 << 16);
  const mask = [1, 2, 3, 4];
  deliver(clientFrame(0x1, encoder.encode("hello "), mask, false));
  deliver(clientFrame(0x9, encoder.encode("ping!"), mask));
  deliver(clientFrame(0x0, encoder.encode("world"), mask, true));
  deliver(clientFrame(0x8, Uint8Array.from([0x0f, 0xa0, ...encoder.encode("bye")]), mask));
  assert.deepEqual(received, ["hello world"]);
  const frames = serverFrames(written());
  assert.deepEqual(frames.map((f) => f.opcode), [0xa, 0x8]);
  assert.equal(decoder.decode(frames[0]!.payload), "ping!");
  assert.equal((frames[1]!.payload[0]! << 8) | frames[1]!.payload[1]!, 4000, "the close code is echoed");
  assert.equal(closedWith(), undefined, "the socket's end reports the close, not the frame");
});

test("ws connection: an ASCII message, a UTF-8 one and one of invalid UTF-8 (closed with 1007)", () => {
  const { deliver, written, received, closedWith } = recordingConnection(1 << 20);
  const ascii = '{"id":1,"op":"place","params":{"symbol":"BTCUSDT","quantity":"0.002"}}';
  deliver(clientFrame(0x1, encoder.encode(ascii), [1, 2, 3, 4]));
  deliver(clientFrame(0x1, encoder.encode("é ✓ \u{1F680}"), [9, 8, 7, 6]));
  assert.deepEqual(received, [ascii, "é ✓ \u{1F680}"]);
  assert.equal(closedWith(), undefined);
  deliver(clientFrame(0x1, new Uint8Array([0x7b, 0xff, 0x7d]), [5, 5, 5, 5]));
  assert.equal(received.length, 2, "invalid UTF-8 is not handed on");
  const close = serverFrames(written()).at(-1)!;
  assert.equal(close.opcode, 0x8);
  assert.equal((close.payload[0]! << 8) | close.payload[1]!, 1007);
});
