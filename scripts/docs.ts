/**
 * `deno task docs`: rewrites the generated parts of README.md (the route table and the error table, from the
 * control plane's OpenAPI document; the systemd unit, verbatim from `deploy/`; the metrics, from what
 * `/metrics` writes) and `lib/cli/_routes_help.ts`
 * (the route list of `--help`). `tests/readme/readme_docs_test.ts` fails when either differs from what this
 * would write.
 *
 * Each generated part sits between `<!-- generated: NAME (deno task docs) -->` and `<!-- end: NAME -->`.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { docsOpenApi } from "./_docs_app.ts";
import { EXCHANGE_5XX } from "../lib/control/error_docs.ts";
import { prometheusText } from "../lib/control/metrics.ts";
import { PipelineMetrics } from "../lib/pipeline/pipeline_metrics.ts";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../", import.meta.url));

// deno-lint-ignore no-explicit-any
type Json = any;

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** Every operation of the document, in document order. */
function operations(doc: Json): { method: string; path: string; op: Json }[] {
  const out: { method: string; path: string; op: Json }[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const method of METHODS) {
      if (item[method] !== undefined) out.push({ method, path, op: item[method] });
    }
  }
  return out;
}

/** `symbol, orderId?, …`: the fields of an object schema (required first), shortened past six. */
function fields(names: { name: string; required: boolean }[]): string {
  if (names.length <= 6) return names.map((n) => n.required ? n.name : `${n.name}?`).join(", ");
  const required = names.filter((n) => n.required).map((n) => n.name);
  return `${required.join(", ")} + ${names.length - required.length} optional`;
}

function input(op: Json, doc: Json): string {
  const parts: string[] = [];
  const query = (op.parameters ?? []).filter((p: Json) => p.in === "query");
  if (query.length > 0) parts.push(`query: ${fields(query)}`);
  const headers = (op.parameters ?? []).filter((p: Json) => p.in === "header");
  if (headers.length > 0) parts.push(`header: ${fields(headers)}`);
  let body = op.requestBody?.content?.["application/json"]?.schema;
  if (body?.$ref !== undefined) body = doc.components.schemas[body.$ref.split("/").pop()];
  if (body !== undefined) {
    const required: string[] = body.required ?? [];
    const names = Object.keys(body.properties ?? {}).map((name) => ({
      name,
      required: required.includes(name),
    }))
      .sort((a, b) => Number(b.required) - Number(a.required));
    const list = names.length === 0 ? "none" : fields(names);
    parts.push(`body${op.requestBody.required ? "" : " (optional)"}: ${list}`);
  }
  return parts.join("; ");
}

/** A Markdown table laid out as `deno fmt` lays it out (padded columns). */
function table(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((r) => r.map((c) => c.replaceAll("|", "\\|")));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(cells[0]!), line(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(line)].join("\n");
}

/**
 * The README's route table.
 *
 * @example
 * ```ts
 * import { docsOpenApi } from "./_docs_app.ts";
 * routeTable(await docsOpenApi()).startsWith("| route"); // true
 * ```
 */
export function routeTable(doc: Json): string {
  const rows = operations(doc).map(({ method, path, op }) => {
    const availability = /Available in ([^.]+)\./.exec(op.description ?? "")?.[1];
    const what = availability === undefined ? op.summary : `${op.summary} (${availability})`;
    return [`\`${method.toUpperCase()} ${path}\``, input(op, doc), what];
  });
  return table(["route", "input", "what it does"], rows);
}

/**
 * The README's error table: Binance's codes, then every local code.
 *
 * @example
 * ```ts
 * import { docsOpenApi } from "./_docs_app.ts";
 * errorTable(await docsOpenApi()).includes("| -8 "); // true
 * ```
 */
export function errorTable(doc: Json): string {
  const rows = [[
    "400 / 418 / 429 / 502",
    "exchange code",
    "the exchange refused: Binance's own `code` (≤ -1000) and `msg`, passed through; 429/418 mirrored, 502 for " +
    EXCHANGE_5XX,
  ]];
  for (const c of doc.components.schemas.LocalErrorCode.oneOf as Json[]) {
    const [, statuses = "", when = ""] = /^HTTP ([\d/]+): (.*)$/.exec(c.description) ?? [];
    rows.push([statuses.split("/").join(" / "), String(c.const), `${when} (\`${c.title}\`)`]);
  }
  return table(["HTTP", "code", "when"], rows);
}

/**
 * `lib/cli/_routes_help.ts`: the route lines of `--help`.
 *
 * @example
 * ```ts
 * import { docsOpenApi } from "./_docs_app.ts";
 * helpModule(await docsOpenApi()).includes("GET    /orders"); // true
 * ```
 */
export function helpModule(doc: Json): string {
  const ops = operations(doc);
  const width = Math.max(...ops.map((o) => o.path.length));
  const lines = ops.map(({ method, path, op }) => {
    const availability = /Available in ([^.]+)\./.exec(op.description ?? "")?.[1];
    const what = availability === undefined ? op.summary : `${op.summary} (${availability})`;
    return `  ${method.toUpperCase().padEnd(6)} ${path.padEnd(width)}  ${what}`;
  });
  return [
    "// Generated by `deno task docs` (scripts/docs.ts) from the control plane's OpenAPI document: do not edit.",
    "",
    "/**",
    " * The route lines of `--help`, one per route: method, path, what it does.",
    " *",
    " * @example",
    " * ```ts",
    ' * ROUTE_LINES.some((l) => l.includes("/openapi.json")); // true',
    " * ```",
    " */",
    "export const ROUTE_LINES: readonly string[] = [",
    ...lines.map((l) => `  ${JSON.stringify(l)},`),
    "];",
    "",
  ].join("\n");
}

/**
 * Every `/metrics` family, from `prometheusText` itself (each optional part present): name, type, labels and
 * its HELP text, as a Markdown table.
 *
 * @example
 * ```ts
 * const rows = metricsTable().split("\n").length; // the header, its rule and a row per family
 * ```
 */
export function metricsTable(): string {
  const text = prometheusText({
    metrics: new PipelineMetrics(),
    rateLimits: [{ rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300, count: 1 }],
    connected: true,
    halted: false,
    inFlight: 0,
    clockOffsetMs: 0,
    uptimeS: 1,
    orders: { open: 0, pending: 0, unknown: 0, reconciled: 0 },
    account: {
      events: { order: 1 },
      fills: 0,
      positions: [{ symbol: "BTCUSDT", positionSide: "BOTH", positionAmt: "0.002", unrealizedProfit: "0" }],
      gapReconciliations: 0,
      subscribers: 0,
      subscribersDropped: 0,
    },
    userStream: { up: true, reconnects: 0, listenKeyRenewals: 0, lastEventAgeMs: 1 },
    deadMan: { armed: ["BTCUSDT"], failures: 0 },
    journalOk: true,
    risk: { refusals: new Map([["filter:PRICE_FILTER", 1]]), filtersOk: true },
    audit: { audits: 0, drift: 0 },
    monitorEvents: { subscribers: 0, subscribersDropped: 0 },
  });
  const families = new Map<string, { type: string; help: string; labels: Set<string> }>();
  for (const line of text.split("\n")) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta !== null) {
      const f = families.get(meta[2]!) ?? { type: "", help: "", labels: new Set<string>() };
      if (meta[1] === "HELP") f.help = meta[3]!;
      else f.type = meta[3]!;
      families.set(meta[2]!, f);
      continue;
    }
    const sample = /^([a-z_]+?)(?:_bucket|_sum|_count)?\{([^}]*)\}/.exec(line);
    const family = sample === null
      ? undefined
      : families.get(sample[1]!) ?? families.get(line.split("{")[0]!);
    if (sample === null || family === undefined) continue;
    for (const m of sample[2]!.matchAll(/([a-z_]+)="/g)) if (m[1] !== "le") family.labels.add(m[1]!);
  }
  const rows = [...families].map(([name, f]) => [
    `\`${name}\``,
    f.type,
    [...f.labels].join(", "),
    f.help,
  ]);
  return table(["metric", "type", "labels", "meaning"], rows);
}

/** `text` with the part between the markers of `name` replaced by `content`. */
function replaceSection(text: string, name: string, content: string): string {
  const begin = `<!-- generated: ${name} (deno task docs) -->`;
  const end = `<!-- end: ${name} -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md: no "${begin}" … "${end}" section`);
  return `${text.slice(0, from + begin.length)}\n\n${content}\n\n${text.slice(to)}`;
}

/**
 * README.md as `deno task docs` writes it.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { docsOpenApi } from "./_docs_app.ts";
 * const readme = renderReadme(readFileSync("README.md", "utf8"), await docsOpenApi(), "[Unit]\n");
 * ```
 */
export function renderReadme(readme: string, doc: Json, unit: string): string {
  let out = replaceSection(readme, "routes", routeTable(doc));
  out = replaceSection(out, "errors", errorTable(doc));
  out = replaceSection(out, "systemd unit", "```ini\n" + unit.trimEnd() + "\n```");
  out = replaceSection(out, "metrics", metricsTable());
  return out;
}

/** The files `deno task docs` writes, path (from the root) → content. */
export async function generated(): Promise<Map<string, string>> {
  const doc = await docsOpenApi();
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  const unit = readFileSync(`${ROOT}deploy/lightning-router.service`, "utf8");
  return new Map([
    ["README.md", renderReadme(readme, doc, unit)],
    ["lib/cli/_routes_help.ts", helpModule(doc)],
  ]);
}

if (import.meta.main) {
  for (const [path, content] of await generated()) {
    let before = "";
    try {
      before = readFileSync(`${ROOT}${path}`, "utf8");
    } catch { /* a new file */ }
    if (before === content) continue;
    writeFileSync(`${ROOT}${path}`, content);
    console.log(`docs: wrote ${path}`);
  }
}
