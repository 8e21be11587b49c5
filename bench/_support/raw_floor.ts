/**
 * The raw floor: a bare socket sending pre-built `order.place` frames (non-crossing LIMIT IOC), one in flight,
 * each round trip ending on the answer whose `id` is the request's — what a hand-written client would do, and
 * nothing more. It authenticates like the Router it is compared with:
 * - `hmac`: every frame carries apiKey + HMAC signature (the server verifies one per order);
 * - `ed25519-session`: `session.logon` signed with the Ed25519 key first (as lib/router/router.ts `prepare`
 *   does), then unsigned frames carrying only the timestamp (the server verifies nothing per order).
 * Frames are built in batches outside the timed region (`prepare`), each batch with a fresh timestamp. The
 * client runs over any {@linkcode TextSocket}, so the Deno/Bun `WebSocket` floor and Node's `ws` floor are the
 * same code.
 */
import { Ed25519Signer } from "../../lib/signing/ed25519_signer.ts";
import { createHmacSigner } from "../../lib/signing/hmac_signer.ts";
import { signaturePayload } from "../../lib/signing/payload.ts";
import type { Params } from "../../lib/types.ts";
import { FrameEncoder } from "../../lib/wire/frame_encoder.ts";
import { METHODS } from "../../lib/wire/methods.ts";
import { API_KEY, ED25519_API_KEY, ED25519_PRIVATE_PEM, IOC_ORDER, SECRET_KEY } from "../_fixtures.ts";
import { type AnswerHead, readAnswerHead } from "./answer_head.ts";
import { FLOOR_AUTH_LABEL, type FloorAuth } from "./floor_auth.ts";

/** Just enough of a WebSocket for the floor: text frames out and in, and word of the socket closing. */
export interface TextSocket {
  send(text: string): void;
  /** Sets the handler of incoming text frames (one handler; a later call replaces it). */
  onText(handler: (text: string) => void): void;
  /** Sets the handler called when the socket closes or fails. */
  onClose(handler: (reason: string) => void): void;
  close(): void;
}

/** A connected (and, for Ed25519, logged-on) raw floor. */
export interface RawFloorSocket {
  readonly auth: FloorAuth;
  /** Builds the next `count` frames (untimed). */
  prepare(count: number): void;
  /**
   * Sends the next pre-built frame; resolves with the answer carrying its id (status 200), rejects on another
   * status. A property, not a method, so it can be passed on as a bare function.
   */
  once: () => Promise<string>;
  /** Throws if any frame arrived that was not the awaited answer: then the samples are not a clean floor. */
  verify(): void;
  close(): void;
}

const PLACE = METHODS["order.place"]!;

/**
 * `count` `order.place` frames (non-crossing LIMIT IOC) with ids after `lastSeq`, one fresh timestamp for the
 * batch, and client ids `<cidPrefix>-<id>`; signed or not as `encoder`'s auth says.
 */
export function buildOrderFrames(
  encoder: FrameEncoder,
  lastSeq: number,
  count: number,
  cidPrefix: string,
): string[] {
  const frames: string[] = [];
  const now = Date.now();
  for (let i = 1; i <= count; i++) {
    const id = lastSeq + i;
    frames.push(
      encoder.encode(
        id,
        PLACE,
        IOC_ORDER,
        now,
        "newClientOrderId",
        `${cidPrefix}-${id}`,
      ),
    );
  }
  return frames;
}

/** The encoder of the floor's order frames: HMAC-signing, or session mode (no apiKey, no signature). */
function orderEncoder(auth: FloorAuth): FrameEncoder {
  return auth === "hmac"
    ? new FrameEncoder({ auth: { kind: "hmac", apiKey: API_KEY, signer: createHmacSigner(SECRET_KEY) } })
    : new FrameEncoder({ auth: { kind: "session", apiKey: ED25519_API_KEY } });
}

/** `session.logon` with request `id`, signed with the benchmark's Ed25519 key. Untimed, so plain JSON. */
async function logonFrame(id: number): Promise<string> {
  const signer = await Ed25519Signer.fromPem(ED25519_PRIVATE_PEM);
  const params: Params = { apiKey: ED25519_API_KEY, timestamp: Date.now() };
  const signature = await signer.sign(signaturePayload(params));
  return JSON.stringify({ id, method: "session.logon", params: { ...params, signature } });
}

/**
 * The floor client over an open `socket`; for `ed25519-session` it logs on before resolving. `cidPrefix`
 * names the socket kind in client order ids (a random run id is added so reruns never collide).
 */
export async function rawFloor(
  socket: TextSocket,
  auth: FloorAuth,
  cidPrefix: string,
): Promise<RawFloorSocket> {
  const name = `${cidPrefix} floor (${FLOOR_AUTH_LABEL[auth]})`;
  const encoder = orderEncoder(auth);
  const run = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
  const head: AnswerHead = { id: -1, status: -1 };
  let frames: string[] = [];
  /** Id of frames[0]; frame i carries firstId + i. */
  let firstId = 1;
  let next = 0;
  let lastId = 0;
  let mismatched = 0;
  let closed = "";
  let awaitedId = -1;
  let resolveAnswer: ((text: string) => void) | undefined;
  let rejectAnswer: ((error: Error) => void) | undefined;

  socket.onText((text) => {
    readAnswerHead(text, head);
    const resolve = resolveAnswer;
    // Not the answer to the request in flight (a stray push, a late or duplicate answer): it ends no round
    // trip, and it is counted so verify() can refuse the run.
    if (resolve === undefined || head.id !== awaitedId) {
      mismatched++;
      return;
    }
    const reject = rejectAnswer!;
    resolveAnswer = undefined;
    rejectAnswer = undefined;
    awaitedId = -1;
    if (head.status === 200) resolve(text);
    else reject(new Error(`${name}: request ${head.id} answered ${text.slice(0, 300)}`));
  });
  socket.onClose((reason) => {
    closed = reason;
    const reject = rejectAnswer;
    resolveAnswer = undefined;
    rejectAnswer = undefined;
    reject?.(new Error(`${name}: socket ${reason} while request ${awaitedId} was in flight`));
  });

  const request = (id: number, frame: string) =>
    new Promise<string>((resolve, reject) => {
      resolveAnswer = resolve;
      rejectAnswer = reject;
      awaitedId = id;
      socket.send(frame);
    });

  if (auth === "ed25519-session") {
    lastId++;
    await request(lastId, await logonFrame(lastId));
  }

  return {
    auth,
    prepare(count) {
      frames = buildOrderFrames(encoder, lastId, count, `${cidPrefix}-${run}`);
      firstId = lastId + 1;
      lastId += count;
      next = 0;
    },
    once() {
      if (mismatched > 0) {
        return Promise.reject(new Error(`${name}: ${mismatched} frames matched no request`));
      }
      if (closed !== "") return Promise.reject(new Error(`${name}: socket ${closed}`));
      if (next >= frames.length) return Promise.reject(new Error(`${name}: no frame prepared`));
      const i = next++;
      return request(firstId + i, frames[i]!);
    },
    verify() {
      if (mismatched > 0) throw new Error(`${name}: ${mismatched} frames matched no request`);
    },
    close: () => socket.close(),
  };
}

/** Opens this runtime's `WebSocket` to `url` and runs the floor client over it. */
export async function rawFloorSocket(url: string, auth: FloorAuth): Promise<RawFloorSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`raw WebSocket: cannot connect to ${url}`));
  });
  return rawFloor(
    {
      send: (text) => ws.send(text),
      onText: (handler) => {
        ws.onmessage = (ev: MessageEvent) => handler(ev.data as string);
      },
      onClose: (handler) => {
        ws.onclose = (ev: CloseEvent) => handler(`closed (${ev.code})`);
        ws.onerror = () => handler("failed");
      },
      close: () => ws.close(),
    },
    auth,
    "raw",
  );
}
