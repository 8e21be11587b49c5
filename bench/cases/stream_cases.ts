/**
 * The user data stream's cost inside the router: from a received ORDER_TRADE_UPDATE text frame to the
 * account state updated (parse, order state, fill record, event log). Frames are built before timing, in
 * pairs per order (NEW, then a TRADE that fills it), so every timed frame is a real change, not a duplicate.
 */
import { AccountState } from "../../lib/account/account_state.ts";
import { parseUserEvent } from "../../lib/account/user_events.ts";

export const GROUP_STREAM = "user stream";

const ORDERS = 50_000;

function frame(i: number, fill: boolean): string {
  const t = 1_700_000_000_000 + i;
  return JSON.stringify({
    e: "ORDER_TRADE_UPDATE",
    E: t,
    T: t,
    o: {
      s: "BTCUSDT",
      c: `web_${i}`,
      S: "BUY",
      o: "LIMIT",
      f: "GTC",
      q: "0.002",
      p: "50000",
      ap: fill ? "50000" : "0",
      sp: "0",
      x: fill ? "TRADE" : "NEW",
      X: fill ? "FILLED" : "NEW",
      i: 4_000_000_000 + i,
      l: fill ? "0.002" : "0",
      z: fill ? "0.002" : "0",
      L: fill ? "50000" : "0",
      N: "USDT",
      n: "0",
      T: t,
      t: fill ? 9_000_000 + i : 0,
      b: "0",
      a: "0",
      m: true,
      R: false,
      wt: "CONTRACT_PRICE",
      ot: "LIMIT",
      ps: "BOTH",
      cp: false,
      rp: "0",
      pP: false,
      si: 0,
      ss: 0,
      V: "NONE",
      pm: "NONE",
      gtd: 0,
    },
  });
}

/**
 * A function that applies the next frame each call (cycling), and the account it feeds.
 *
 * @example
 * ```ts
 * const { next } = streamFrameToState();
 * next(); // one frame applied
 * ```
 */
export function streamFrameToState(): { next: () => number; account: AccountState } {
  const frames: string[] = [];
  for (let i = 0; i < ORDERS; i++) frames.push(frame(i, false), frame(i, true));
  const account = new AccountState();
  let k = 0;
  const next = () => {
    const event = parseUserEvent(frames[k]!);
    if (event !== undefined) account.apply(event);
    k = (k + 1) % frames.length;
    return k;
  };
  return { next, account };
}
