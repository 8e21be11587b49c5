/**
 * The exchange simulator as a process of its own, for round-trip, control-plane and soak benchmarks: one HMAC
 * and one Ed25519 account (bench/_fixtures.ts), rate limits raised far above Binance's (the simulator's own
 * defaults stay Binance's). Prints `SIM {"url":…,"httpUrl":…,"streamUrl":…}`; answers `stats N` on stdin with
 * `STATS N {…}`, and `orders N <path>` by writing every order it holds (`sim.orders()`, JSON) to `<path>` and
 * printing `ORDERS N <count>`; exits when stdin closes, on SIGTERM/SIGINT, or after BENCH_SIM_MAX_SECONDS
 * (default 3600).
 *
 * Run: `bun bench/servers/sim_server.ts` or `deno run -A bench/servers/sim_server.ts`.
 */
import { writeFileSync } from "node:fs";
import process from "node:process";
import { startSimulator } from "../../lib/sim/mod.ts";
import { API_KEY, ED25519_API_KEY, ED25519_PUBLIC_PEM, RAISED_LIMITS, SECRET_KEY } from "../_fixtures.ts";

const maxSeconds = Number(process.env.BENCH_SIM_MAX_SECONDS ?? 3600);
const sim = await startSimulator({
  port: 0,
  hmacKeys: [{ apiKey: API_KEY, secretKey: SECRET_KEY }],
  ed25519Keys: [{ apiKey: ED25519_API_KEY, publicKeyPem: ED25519_PUBLIC_PEM }],
  limits: { ...RAISED_LIMITS },
});

let closing = false;
async function shutdown(code: number): Promise<void> {
  if (closing) return;
  closing = true;
  clearTimeout(lifetime);
  await sim.close();
  process.exit(code);
}

const lifetime = setTimeout(() => void shutdown(3), maxSeconds * 1000);
process.on("SIGTERM", () => void shutdown(0));
process.on("SIGINT", () => void shutdown(0));

let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  pending += chunk;
  for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
    const line = pending.slice(0, nl).trim();
    pending = pending.slice(nl + 1);
    const m = /^stats (\d+)$/.exec(line);
    if (m) process.stdout.write(`STATS ${m[1]} ${JSON.stringify(sim.stats())}\n`);
    const o = /^orders (\d+) (.+)$/.exec(line);
    if (o) {
      const orders = sim.orders();
      writeFileSync(o[2]!, JSON.stringify(orders));
      process.stdout.write(`ORDERS ${o[1]} ${orders.length}\n`);
    }
  }
});
process.stdin.on("end", () => void shutdown(0));

process.stdout.write(
  `SIM ${JSON.stringify({ url: sim.url, httpUrl: sim.httpUrl, streamUrl: sim.streamUrl })}\n`,
);
