/**
 * Account, user-data-stream and market methods: account.balance / account.position / account.status (and
 * their v2 forms), userDataStream.start / ping / stop, ticker.price. Results follow the documented shapes with
 * values from the simple margin model in accounts.ts (fixed 20× leverage, cross margin; fees in the wallet).
 *
 * @module
 */

import { type Account, LEVERAGE, lineKey } from "./accounts.ts";
import { accountOf, type CallContext, type MethodSpec } from "./context.ts";
import { abs, formatUnits, mul } from "./decimal.ts";
import { E, Failure } from "./errors.ts";
import { symbolParam, textParam } from "./params.ts";

const MAINT_RATE_BP = 40n; // 0.40 % maintenance margin
const USDT = (v: bigint) => formatUnits(v, 8);

function balances(ctx: CallContext): unknown {
  const account = accountOf(ctx);
  const marks = ctx.core.exchange.marks;
  const unrealized = account.unrealized(marks);
  const available = account.available(marks);
  return [{
    accountAlias: "SgsRmYFzAuTi",
    asset: "USDT",
    balance: USDT(account.wallet),
    crossWalletBalance: USDT(account.wallet),
    crossUnPnl: USDT(unrealized),
    availableBalance: USDT(available),
    maxWithdrawAmount: USDT(available > 0n ? available : 0n),
    marginAvailable: true,
    updateTime: account.updateTime,
  }];
}

/** An `account.position` (v1) item of the line `positionSide` (BOTH; LONG or SHORT in hedge mode). */
function positionV1(
  ctx: CallContext,
  account: Account,
  symbol: string,
  positionSide = "BOTH",
): Record<string, unknown> {
  const x = exposure(ctx, account, symbol, positionSide);
  return {
    symbol,
    ...pricedLine(ctx, symbol, x),
    liquidationPrice: formatUnits(0n, ctx.core.specs.get(symbol)?.pricePrecision ?? 2),
    leverage: LEVERAGE.toString(),
    maxNotionalValue: "4000000",
    marginType: "cross",
    isolatedMargin: USDT(0n),
    isAutoAddMargin: "false",
    positionSide,
    notional: USDT(x.notional),
    isolatedWallet: "0",
    updateTime: x.updateTime,
  };
}

/** One symbol's position and open-order figures for an account, in units. */
interface Exposure {
  readonly amount: bigint;
  readonly entry: bigint;
  /** Entry moved by the opening fees (accounts.ts). */
  readonly breakEven: bigint;
  readonly mark: bigint;
  readonly notional: bigint;
  readonly positionMargin: bigint;
  readonly openOrderMargin: bigint;
  readonly maint: bigint;
  readonly bid: bigint;
  readonly ask: bigint;
  readonly updateTime: number;
}

/** `symbol`'s figures on the line `positionSide` (BOTH; in hedge mode LONG or SHORT, with that side's orders). */
function exposure(ctx: CallContext, account: Account, symbol: string, positionSide = "BOTH"): Exposure {
  const p = account.positions.get(lineKey(symbol, positionSide));
  const amount = p?.amount ?? 0n;
  const entry = p?.entry ?? 0n;
  const mark = ctx.core.exchange.marks.get(symbol) ?? 0n;
  const notional = mul(amount, mark);
  let openOrderMargin = 0n;
  let bid = 0n;
  let ask = 0n;
  for (const o of ctx.core.exchange.openOrders(symbol)) {
    if (o.account !== account || o.positionSide !== positionSide) continue;
    openOrderMargin += o.margin;
    if (o.side === "BUY") bid += mul(o.price, o.qty);
    else ask += mul(o.price, o.qty);
  }
  return {
    amount,
    entry,
    breakEven: account.breakEven(symbol, positionSide),
    mark,
    notional,
    positionMargin: abs(notional) / LEVERAGE,
    openOrderMargin,
    maint: abs(notional) * MAINT_RATE_BP / 10_000n,
    bid,
    ask,
    updateTime: p?.updateTime ?? 0,
  };
}

const qtyText = (ctx: CallContext, symbol: string, amount: bigint) =>
  formatUnits(amount, ctx.core.specs.get(symbol)?.quantityPrecision ?? 3);

/** The fields an `account.position` item (v1 and v2) gives a line's size and prices, in the exchange's order. */
function pricedLine(ctx: CallContext, symbol: string, x: Exposure): Record<string, string> {
  return {
    positionAmt: qtyText(ctx, symbol, x.amount),
    entryPrice: formatUnits(x.entry, 8),
    breakEvenPrice: formatUnits(x.breakEven, 8),
    markPrice: formatUnits(x.mark, 8),
    unRealizedProfit: USDT(mul(x.amount, x.mark - x.entry)),
  };
}

/** A `v2/account.position` item (ws-fapi.md §4; the field is `unRealizedProfit` there, §11). */
function positionV2(
  ctx: CallContext,
  account: Account,
  symbol: string,
  positionSide = "BOTH",
): Record<string, unknown> {
  const x = exposure(ctx, account, symbol, positionSide);
  return {
    symbol,
    positionSide,
    ...pricedLine(ctx, symbol, x),
    liquidationPrice: "0",
    isolatedMargin: "0",
    notional: USDT(x.notional),
    marginAsset: "USDT",
    isolatedWallet: "0",
    initialMargin: USDT(x.positionMargin + x.openOrderMargin),
    maintMargin: USDT(x.maint),
    positionInitialMargin: USDT(x.positionMargin),
    openOrderInitialMargin: USDT(x.openOrderMargin),
    adl: 0,
    bidNotional: USDT(x.bid),
    askNotional: USDT(x.ask),
    updateTime: x.updateTime,
  };
}

/**
 * A `positions[]` item of account.status (v1) or v2/account.status: the official connector's types (S2), where
 * both spell the field `unrealizedProfit`, unlike the position methods.
 */
function statusPosition(
  ctx: CallContext,
  account: Account,
  symbol: string,
  v2: boolean,
  positionSide: string,
): Record<string, unknown> {
  const x = exposure(ctx, account, symbol, positionSide);
  const unrealized = USDT(mul(x.amount, x.mark - x.entry));
  if (v2) {
    return {
      symbol,
      positionSide,
      positionAmt: qtyText(ctx, symbol, x.amount),
      unrealizedProfit: unrealized,
      isolatedMargin: "0",
      notional: USDT(x.notional),
      isolatedWallet: "0",
      initialMargin: USDT(x.positionMargin + x.openOrderMargin),
      maintMargin: USDT(x.maint),
      updateTime: x.updateTime,
    };
  }
  return {
    symbol,
    initialMargin: USDT(x.positionMargin + x.openOrderMargin),
    maintMargin: USDT(x.maint),
    unrealizedProfit: unrealized,
    positionInitialMargin: USDT(x.positionMargin),
    openOrderInitialMargin: USDT(x.openOrderMargin),
    leverage: LEVERAGE.toString(),
    isolated: false,
    entryPrice: formatUnits(x.entry, 8),
    maxNotional: "4000000",
    bidNotional: USDT(x.bid),
    askNotional: USDT(x.ask),
    positionSide,
    positionAmt: qtyText(ctx, symbol, x.amount),
    updateTime: x.updateTime,
    breakEvenPrice: formatUnits(x.breakEven, 8),
  };
}

function hasExposure(ctx: CallContext, account: Account, symbol: string): boolean {
  for (const side of ["BOTH", "LONG", "SHORT"]) if (account.positionAmount(symbol, side) !== 0n) return true;
  for (const o of ctx.core.exchange.openOrders(symbol)) if (o.account === account) return true;
  return false;
}

const ONE_WAY_LINES = ["BOTH"] as const;
const HEDGE_LINES = ["LONG", "SHORT"] as const;

/**
 * The position lines every position list shows per symbol: BOTH in one-way mode, LONG and SHORT in hedge mode
 * (the hedge-mode examples of Binance's `account.position` and position-risk pages; the status methods are
 * listed the same way here).
 */
function sidesOf(account: Account): readonly string[] {
  return account.dualSidePosition ? HEDGE_LINES : ONE_WAY_LINES;
}

function positions(v2: boolean) {
  return (ctx: CallContext): unknown => {
    const account = accountOf(ctx);
    let symbols = [...ctx.core.specs.keys()];
    if (ctx.params["symbol"] !== undefined) {
      const spec = symbolParam(ctx.params, ctx.core.specs);
      if (spec instanceof Failure) return spec;
      symbols = [spec.symbol];
    }
    const sides = sidesOf(account);
    if (!v2) return symbols.flatMap((s) => sides.map((side) => positionV1(ctx, account, s, side)));
    const busy = symbols.filter((s) => hasExposure(ctx, account, s));
    return busy.flatMap((s) => sides.map((side) => positionV2(ctx, account, s, side)));
  };
}

function status(v2: boolean) {
  return (ctx: CallContext): unknown => {
    const account = accountOf(ctx);
    const marks = ctx.core.exchange.marks;
    const unrealized = account.unrealized(marks);
    const positionMargin = account.positionMargin(marks);
    const available = account.available(marks);
    const maint = positionMargin * LEVERAGE * MAINT_RATE_BP / 10_000n;
    const initial = positionMargin + account.openOrderMargin;
    const withdrawable = USDT(available > 0n ? available : 0n);
    const totals = {
      totalInitialMargin: USDT(initial),
      totalMaintMargin: USDT(maint),
      totalWalletBalance: USDT(account.wallet),
      totalUnrealizedProfit: USDT(unrealized),
      totalMarginBalance: USDT(account.wallet + unrealized),
      totalPositionInitialMargin: USDT(positionMargin),
      totalOpenOrderInitialMargin: USDT(account.openOrderMargin),
      totalCrossWalletBalance: USDT(account.wallet),
      totalCrossUnPnl: USDT(unrealized),
      availableBalance: USDT(available),
      maxWithdrawAmount: withdrawable,
    };
    // The 14 fields of an assets[] item, in the connector's order (S2); one asset, USDT.
    const asset = {
      asset: "USDT",
      walletBalance: USDT(account.wallet),
      unrealizedProfit: USDT(unrealized),
      marginBalance: USDT(account.wallet + unrealized),
      maintMargin: USDT(maint),
      initialMargin: USDT(initial),
      positionInitialMargin: USDT(positionMargin),
      openOrderInitialMargin: USDT(account.openOrderMargin),
      crossWalletBalance: USDT(account.wallet),
      crossUnPnl: USDT(unrealized),
      availableBalance: USDT(available),
      maxWithdrawAmount: withdrawable,
      marginAvailable: true,
      updateTime: account.updateTime,
    };
    // v2 lists only symbols with a position or open orders (§4); v1 lists every symbol (_choice_, as the
    // position methods do).
    const all = [...ctx.core.specs.keys()];
    const symbols = v2 ? all.filter((s) => hasExposure(ctx, account, s)) : all;
    const sides = sidesOf(account);
    const positionList = symbols.flatMap((s) =>
      sides.map((side) => statusPosition(ctx, account, s, v2, side))
    );
    if (v2) return { ...totals, assets: [asset], positions: positionList };
    return {
      feeTier: 0,
      canTrade: true,
      canDeposit: true,
      canWithdraw: true,
      updateTime: 0,
      multiAssetsMargin: false,
      tradeGroupId: -1,
      ...totals,
      assets: [asset],
      positions: positionList,
    };
  };
}

// The listenKey life (60 min, extended by ping; expiry events) lives in the stream service, user_stream.ts.
function listenKeyStart(ctx: CallContext): unknown {
  return { listenKey: ctx.core.streams.start(accountOf(ctx), ctx.now) };
}

function listenKeyPing(ctx: CallContext): unknown {
  const key = ctx.core.streams.ping(accountOf(ctx), textParam(ctx.params, "listenKey"), ctx.now);
  return key === undefined ? E.noListenKey() : { listenKey: key };
}

function listenKeyStop(ctx: CallContext): unknown {
  ctx.core.streams.stop(accountOf(ctx));
  return {};
}

function tickerPrice(ctx: CallContext): unknown {
  const { core } = ctx;
  const one = (symbol: string) => ({
    symbol,
    price: formatUnits(core.exchange.marks.get(symbol) ?? 0n, core.specs.get(symbol)?.pricePrecision ?? 2),
    time: ctx.now,
  });
  if (ctx.params["symbol"] === undefined) return [...core.specs.keys()].map(one);
  const spec = symbolParam(ctx.params, core.specs);
  return spec instanceof Failure ? spec : one(spec.symbol);
}

/**
 * Account, stream and market methods by name. Weights: v1 account methods 10, v2 forms 5 (ws-fapi.md §4).
 *
 * @example
 * ```ts
 * ACCOUNT_METHODS["v2/account.balance"]?.weight; // 5
 * ```
 */
export const ACCOUNT_METHODS: Readonly<Record<string, MethodSpec>> = {
  "account.balance": { security: "SIGNED", weight: 10, orders: false, params: [], run: balances },
  "v2/account.balance": { security: "SIGNED", weight: 5, orders: false, params: [], run: balances },
  "account.position": {
    security: "SIGNED",
    weight: 10,
    orders: false,
    params: ["symbol"],
    run: positions(false),
  },
  "v2/account.position": {
    security: "SIGNED",
    weight: 5,
    orders: false,
    params: ["symbol"],
    run: positions(true),
  },
  "account.status": { security: "SIGNED", weight: 10, orders: false, params: [], run: status(false) },
  "v2/account.status": { security: "SIGNED", weight: 5, orders: false, params: [], run: status(true) },
  "userDataStream.start": {
    security: "USER_STREAM",
    weight: 1,
    orders: false,
    params: [],
    run: listenKeyStart,
  },
  "userDataStream.ping": {
    security: "USER_STREAM",
    weight: 1,
    orders: false,
    params: ["listenKey"],
    run: listenKeyPing,
  },
  "userDataStream.stop": {
    security: "USER_STREAM",
    weight: 1,
    orders: false,
    params: ["listenKey"],
    run: listenKeyStop,
  },
  "ticker.price": {
    security: "NONE",
    weight: (params) => (params["symbol"] === undefined ? 2 : 1),
    orders: false,
    params: ["symbol"],
    run: tickerPrice,
  },
};
