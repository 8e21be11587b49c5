/**
 * How a raw floor authenticates, and the result names that say so. A floor is only a floor for a Router of
 * the same auth mode: with HMAC the server verifies a signature on every order, while a logged-on Ed25519
 * session sends unsigned orders and the server verifies nothing per order — dividing one mode by the other's
 * floor measures the server's work, not the client's.
 */

/** `hmac`: every order signed (apiKey + HMAC); `ed25519-session`: `session.logon` once, then unsigned orders. */
export type FloorAuth = "hmac" | "ed25519-session";

/** Every mode, in the order the benchmarks run and report them. */
export const FLOOR_AUTHS: readonly FloorAuth[] = ["hmac", "ed25519-session"];

/** The mode as the result names spell it (the same words as the Router rows: "Router, HMAC-signed"). */
export const FLOOR_AUTH_LABEL: Readonly<Record<FloorAuth, string>> = {
  hmac: "HMAC-signed",
  "ed25519-session": "Ed25519 session",
};

/** Which bare socket a floor uses: the runtime's `WebSocket` (Deno, Bun) or Node's `ws` package. */
export type FloorSocketKind = "raw WebSocket" | "Node ws";

/** Result name of a round-trip floor, e.g. "order RTT: raw WebSocket floor, Ed25519 session (pre-built frame)". */
export function floorResultName(socket: FloorSocketKind, auth: FloorAuth): string {
  return `order RTT: ${socket} floor, ${FLOOR_AUTH_LABEL[auth]} (pre-built frame)`;
}

/** Result name of the Router's round trip in `auth` mode (bench/round_trip.ts). */
export function routerResultName(auth: FloorAuth): string {
  return `order RTT: Router, ${FLOOR_AUTH_LABEL[auth]}`;
}

/** Result name of the soak's paced floor (bench/soak.ts), HMAC-signed like the soak's Router. */
export function soakFloorName(rate: number): string {
  return `soak: raw WebSocket floor, ${FLOOR_AUTH_LABEL.hmac}, RTT at ${rate} orders/s`;
}
