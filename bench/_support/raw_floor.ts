/**
 * The raw floor: this runtime's bare `WebSocket` sending pre-built, pre-signed `order.place` frames (non-crossing
 * LIMIT IOC) and resolving on the answer frame, one in flight. Frames are built in batches outside the timed
 * region (`prepare`), each batch with a fresh timestamp.
 */
import { createHmacSigner } from "../../lib/signing/hmac_signer.ts";
import { FrameEncoder } from "../../lib/wire/frame_encoder.ts";
import { METHODS } from "../../lib/wire/methods.ts";
import type { Params } from "../../lib/types.ts";
import { API_KEY, IOC_ORDER, SECRET_KEY } from "../_fixtures.ts";

/** A connected raw socket. */
export interface RawFloorSocket {
  /** Builds the next `count` frames (untimed). */
  prepare(count: number): void;
  /** Sends the next pre-built frame; resolves with the answer frame. */
  once: () => Promise<string>;
  close(): void;
}

const PLACE = METHODS["order.place"]!;

/**
 * `count` signed `order.place` frames (non-crossing LIMIT IOC) with ids after `lastSeq`, one fresh timestamp
 * for the batch, and client ids `<cidPrefix>-<id>`. Shared by every raw floor (Deno, Bun, Node).
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
        IOC_ORDER as unknown as Params,
        now,
        "newClientOrderId",
        `${cidPrefix}-${id}`,
      ),
    );
  }
  return frames;
}

/** Opens the runtime's WebSocket to `url`. */
export async function rawFloorSocket(url: string): Promise<RawFloorSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`raw WebSocket: cannot connect to ${url}`));
  });
  const encoder = new FrameEncoder({
    auth: { kind: "hmac", apiKey: API_KEY, signer: createHmacSigner(SECRET_KEY) },
  });
  const run = crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36);
  let frames: string[] = [];
  let next = 0;
  let seq = 0;
  let bad = 0;
  let waiting: ((text: string) => void) | undefined;
  ws.onmessage = (ev: MessageEvent) => {
    const text = ev.data as string;
    if (!text.startsWith('{"id"') || !text.includes('"status":200')) bad++;
    const w = waiting;
    waiting = undefined;
    w?.(text);
  };
  return {
    prepare(count) {
      frames = buildOrderFrames(encoder, seq, count, `raw-${run}`);
      seq += count;
      next = 0;
    },
    once() {
      if (bad > 0) {
        return Promise.reject(new Error(`raw WebSocket floor: ${bad} answers were not status 200`));
      }
      if (next >= frames.length) return Promise.reject(new Error("raw WebSocket floor: no frame prepared"));
      return new Promise<string>((resolve) => {
        waiting = resolve;
        ws.send(frames[next++]!);
      });
    },
    close: () => ws.close(),
  };
}
