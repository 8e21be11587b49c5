/**
 * The contenders of the "order build + sign" comparison: this router's FrameEncoder, the hand-written code a
 * trader would otherwise use (JSON.stringify + node:crypto createHmac / Web Crypto crypto.subtle.sign), and
 * the request-signing paths of the `binance`, `@binance/derivatives-trading-usds-futures` and `ccxt`
 * packages, all on the same LIMIT order; plus the Ed25519-session variants (no signature) and the bare
 * HMAC-SHA256 of one payload. Each case returns the frame (or signature) so it can be checked before timing.
 */
import { createHmac } from "node:crypto";
import { ClientOrderIds } from "../../lib/router/client_order_ids.ts";
import { ServerClock } from "../../lib/pipeline/server_clock.ts";
import { createHmacSigner, type HmacSigner } from "../../lib/signing/hmac_signer.ts";
import { FrameEncoder } from "../../lib/wire/frame_encoder.ts";
import { METHODS } from "../../lib/wire/methods.ts";
import { API_KEY, ED25519_PRIVATE_PEM, LIMIT_ORDER, SECRET_KEY } from "../_fixtures.ts";
import { binanceSdkFrameBuilder } from "../sdk/binance_sdk.ts";
import { ccxtFrameBuilder } from "../sdk/ccxt_sdk.ts";
import { officialConnectorFrameBuilder } from "../sdk/official_connector.ts";

/** One micro-benchmark case. */
export interface MicroCase {
  group: string;
  name: string;
  /** The measured operation; returns what it built. */
  run: () => unknown;
  /** For signed frames: the frame must carry a valid HMAC signature (checked once, untimed). */
  signedFrame?: boolean;
}

export const GROUP_HMAC = "order build + HMAC sign";
export const GROUP_SESSION = "order build, Ed25519 session";
export const GROUP_SIGN = "HMAC-SHA256 of one order payload";

const PLACE = METHODS["order.place"]!;
const ORDER = LIMIT_ORDER;

/** A hand-written frame builder: sorted query string, a signature, JSON.stringify. */
function handWrittenParams(ids: ClientOrderIds): Record<string, unknown> {
  return { ...LIMIT_ORDER, newClientOrderId: ids.next(), apiKey: API_KEY, timestamp: Date.now() };
}
function queryString(params: Record<string, unknown>): string {
  const keys = Object.keys(params).sort();
  let q = "";
  for (const k of keys) q += (q ? "&" : "") + k + "=" + params[k];
  return q;
}
function toHex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += bytes[i]!.toString(16).padStart(2, "0");
  return out;
}

function lightningCases(): MicroCase[] {
  const clock = new ServerClock();
  const ids = new ClientOrderIds();
  let id = 0;
  const cases: MicroCase[] = [];
  const signers: HmacSigner[] = [createHmacSigner(SECRET_KEY)];
  if (signers[0]!.implementation === "bun-native") {
    signers.push(createHmacSigner(SECRET_KEY, { implementation: "typescript" }));
  }
  for (const signer of signers) {
    const encoder = new FrameEncoder({ auth: { kind: "hmac", apiKey: API_KEY, signer } });
    cases.push({
      group: GROUP_HMAC,
      name: `Lightning FrameEncoder (${signer.implementation} HMAC)`,
      run: () => encoder.encode(++id, PLACE, ORDER, clock.now(), "newClientOrderId", ids.next()),
      signedFrame: true,
    });
  }
  const session = new FrameEncoder({ auth: { kind: "session", apiKey: API_KEY } });
  cases.push({
    group: GROUP_SESSION,
    name: "Lightning FrameEncoder (session, unsigned)",
    run: () => session.encode(++id, PLACE, ORDER, clock.now(), "newClientOrderId", ids.next()),
  });
  return cases;
}

async function handWrittenCases(): Promise<MicroCase[]> {
  const ids = new ClientOrderIds();
  let id = 0;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(SECRET_KEY),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const utf8 = new TextEncoder();
  return [
    {
      group: GROUP_HMAC,
      name: "hand-written: JSON.stringify + node:crypto createHmac",
      run: () => {
        const params = handWrittenParams(ids);
        params.signature = createHmac("sha256", SECRET_KEY).update(queryString(params)).digest("hex");
        return JSON.stringify({ id: ++id, method: "order.place", params });
      },
      signedFrame: true,
    },
    {
      group: GROUP_HMAC,
      name: "hand-written: JSON.stringify + Web Crypto subtle.sign",
      run: async () => {
        const params = handWrittenParams(ids);
        params.signature = toHex(await crypto.subtle.sign("HMAC", key, utf8.encode(queryString(params))));
        return JSON.stringify({ id: ++id, method: "order.place", params });
      },
      signedFrame: true,
    },
    {
      group: GROUP_SESSION,
      name: "hand-written: JSON.stringify (session, unsigned)",
      run: () => {
        const params: Record<string, unknown> = {
          ...LIMIT_ORDER,
          newClientOrderId: ids.next(),
          timestamp: Date.now(),
        };
        return JSON.stringify({ id: ++id, method: "order.place", params });
      },
    },
  ];
}

function sdkCases(): MicroCase[] {
  return [
    {
      group: GROUP_HMAC,
      name: "binance SDK: signWSAPIRequest + JSON.stringify",
      run: binanceSdkFrameBuilder(API_KEY, SECRET_KEY, LIMIT_ORDER),
      signedFrame: true,
    },
    {
      group: GROUP_HMAC,
      name: "official connector: buildWebsocketAPIMessage + JSON.stringify",
      run: officialConnectorFrameBuilder(API_KEY, SECRET_KEY, LIMIT_ORDER),
      signedFrame: true,
    },
    {
      group: GROUP_HMAC,
      name: "ccxt: createOrderRequest + signParams + JSON.stringify",
      run: ccxtFrameBuilder(API_KEY, SECRET_KEY, {
        side: LIMIT_ORDER.side,
        quantity: LIMIT_ORDER.quantity,
        price: LIMIT_ORDER.price!,
        timeInForce: LIMIT_ORDER.timeInForce!,
      }),
      signedFrame: true,
    },
    {
      group: GROUP_SESSION,
      name: "binance SDK: Ed25519 session (unsigned)",
      run: binanceSdkFrameBuilder(API_KEY, ED25519_PRIVATE_PEM, LIMIT_ORDER),
    },
    {
      group: GROUP_SESSION,
      name: "official connector: logged-on session (unsigned)",
      run: officialConnectorFrameBuilder(API_KEY, SECRET_KEY, LIMIT_ORDER, true),
    },
  ];
}

async function signOnlyCases(): Promise<MicroCase[]> {
  const payload = "apiKey=" + API_KEY +
    "&newClientOrderId=lr-k3j9x2ab-m1q2-1&price=50000.10&quantity=0.002&side=BUY&symbol=BTCUSDT" +
    "&timeInForce=GTC&timestamp=1705385954229&type=LIMIT";
  const rest = payload.slice(("apiKey=" + API_KEY).length);
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(SECRET_KEY),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const utf8 = new TextEncoder();
  const cases: MicroCase[] = [];
  const signers: HmacSigner[] = [createHmacSigner(SECRET_KEY)];
  if (signers[0]!.implementation === "bun-native") {
    signers.push(createHmacSigner(SECRET_KEY, { implementation: "typescript" }));
  }
  for (const signer of signers) {
    cases.push({
      group: GROUP_SIGN,
      name: `Lightning ${signer.implementation} signer.hex`,
      run: () => signer.hex(payload),
    });
    const prefixed = signer.withPrefix("apiKey=" + API_KEY);
    cases.push({
      group: GROUP_SIGN,
      name: `Lightning ${signer.implementation}, apiKey prefix pre-hashed`,
      run: () => prefixed.hex(rest),
    });
  }
  cases.push(
    {
      group: GROUP_SIGN,
      name: "node:crypto createHmac().update().digest('hex')",
      run: () => createHmac("sha256", SECRET_KEY).update(payload).digest("hex"),
    },
    {
      group: GROUP_SIGN,
      name: "Web Crypto crypto.subtle.sign + hex",
      run: async () => toHex(await crypto.subtle.sign("HMAC", key, utf8.encode(payload))),
    },
  );
  return cases;
}

/** Every build/sign case, in report order. */
export async function buildSignCases(): Promise<MicroCase[]> {
  return [...lightningCases(), ...(await handWrittenCases()), ...sdkCases(), ...(await signOnlyCases())];
}
