/**
 * Account, user-data-stream and market methods: account.balance / account.position / account.status (and
 * their v2 forms), userDataStream.start / ping / stop, ticker.price. Results follow the documented shapes with
 * values from the simple margin model in accounts.ts (no fees, fixed 20× leverage, cross margin).
 *
 * @module
 */

import { type Account, LEVERAGE } from "./accounts.ts";
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

function positionV1(ctx: CallContext, account: Account, symbol: string): Record<string, unknown> {
  const spec = ctx.core.specs.get(symbol);
  const pp = spec?.pricePrecision ?? 2;
  const p = account.positions.get(symbol);
  const amount = p?.amount ?? 0n;
  const entry = p?.entry ?? 0n;
  const mark = ctx.core.exchange.marks.get(symbol) ?? 0n;
  return {
    symbol,
    positionAmt: formatUnits(amount, spec?.quantityPrecision ?? 3),
    entryPrice: formatUnits(entry, 8),
    breakEvenPrice: formatUnits(entry, 8),
    markPrice: formatUnits(mark, 8),
    unRealizedProfit: USDT(mul(amount, mark - entry)),
    liquidationPrice: formatUnits(0n, pp),
    leverage: LEVERAGE.toString(),
    maxNotionalValue: "4000000",
    marginType: "cross",
    isolatedMargin: USDT(0n),
    isAutoAddMargin: "false",
    positionSide: "BOTH",
    notional: USDT(mul(amount, mark)),
    isolatedWallet: "0",
    updateTime: p?.updateTime ?? 0,
  };
}

function positionV2(ctx: CallContext, account: Account, symbol: string): Record<string, unknown> {
  const p = account.positions.get(symbol);
  const amount = p?.amount ?? 0n;
  const entry = p?.entry ?? 0n;
  const mark = ctx.core.exchange.marks.get(symbol) ?? 0n;
  const notional = mul(amount, mark);
  let openOrderMargin = 0n;
  let bid = 0n;
  let ask = 0n;
  for (const o of ctx.core.exchange.openOrders(symbol)) {
    if (o.account !== account) continue;
    openOrderMargin += o.margin;
    if (o.side === "BUY") bid += mul(o.price, o.qty);
    else ask += mul(o.price, o.qty);
  }
  const positionMargin = abs(notional) / LEVERAGE;
  return {
    symbol,
    positionSide: "BOTH",
    positionAmt: formatUnits(amount, ctx.core.specs.get(symbol)?.quantityPrecision ?? 3),
    entryPrice: formatUnits(entry, 8),
    breakEvenPrice: formatUnits(entry, 8),
    markPrice: formatUnits(mark, 8),
    unRealizedProfit: USDT(mul(amount, mark - entry)),
    liquidationPrice: "0",
    isolatedMargin: "0",
    notional: USDT(notional),
    marginAsset: "USDT",
    isolatedWallet: "0",
    initialMargin: USDT(positionMargin + openOrderMargin),
    maintMargin: USDT(abs(notional) * MAINT_RATE_BP / 10_000n),
    positionInitialMargin: USDT(positionMargin),
    openOrderInitialMargin: USDT(openOrderMargin),
    adl: 0,
    bidNotional: USDT(bid),
    askNotional: USDT(ask),
    updateTime: p?.updateTime ?? 0,
  };
}

function hasExposure(ctx: CallContext, account: Account, symbol: string): boolean {
  if (account.positionAmount(symbol) !== 0n) return true;
  for (const o of ctx.core.exchange.openOrders(symbol)) if (o.account === account) return true;
  return false;
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
    if (!v2) return symbols.map((s) => positionV1(ctx, account, s));
    return symbols.filter((s) => hasExposure(ctx, account, s)).map((s) => positionV2(ctx, account, s));
  };
}

function status(v2: boolean) {
  return (ctx: CallContext): unknown => {
    const account = accountOf(ctx);
    const marks = ctx.core.exchange.marks;
    const unrealized = account.unrealized(marks);
    const positionMargin = account.positionMargin(marks);
    const available = account.available(marks);
    const totals = {
      totalInitialMargin: USDT(positionMargin + account.openOrderMargin),
      totalMaintMargin: USDT(positionMargin * LEVERAGE * MAINT_RATE_BP / 10_000n),
      totalWalletBalance: USDT(account.wallet),
      totalUnrealizedProfit: USDT(unrealized),
      totalMarginBalance: USDT(account.wallet + unrealized),
      totalPositionInitialMargin: USDT(positionMargin),
      totalOpenOrderInitialMargin: USDT(account.openOrderMargin),
      totalCrossWalletBalance: USDT(account.wallet),
      totalCrossUnPnl: USDT(unrealized),
      availableBalance: USDT(available),
      maxWithdrawAmount: USDT(available > 0n ? available : 0n),
    };
    const asset = {
      asset: "USDT",
      walletBalance: USDT(account.wallet),
      unrealizedProfit: USDT(unrealized),
      marginBalance: USDT(account.wallet + unrealized),
      availableBalance: USDT(available),
      updateTime: account.updateTime,
    };
    const symbols = [...ctx.core.specs.keys()].filter((s) => hasExposure(ctx, account, s));
    const positionList = symbols.map((s) => positionV2(ctx, account, s));
    if (v2) return { ...totals, assets: [asset], positions: positionList };
    return {
      feeTier: 0,
      feeBurn: false,
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
