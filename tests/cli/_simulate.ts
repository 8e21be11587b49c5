/**
 * Starts `lightning-router simulate` as a child process (the binary named by LIGHTNING_BINARY, else main.ts
 * on the test runtime) and reads the JSON line it prints first.
 */

import type { SimulatorAccess } from "../../lib/cli/simulate.ts";
import { type Child, REPO, routerCommand, spawnProcess } from "./_child.ts";

/** A LIMIT BUY that rests on the simulator's book (status NEW), as the SDK and protocol tests place it. */
export const RESTING_ORDER = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  timeInForce: "GTC",
  quantity: "0.010",
  price: "50000",
} as const;

/** A running `simulate` child and what its first stdout line said. */
export interface SimulateChild {
  readonly child: Child;
  readonly access: SimulatorAccess;
  /** The first stdout line, exactly as printed. */
  readonly line: string;
  /** SIGTERM, then the exit code (bounded). */
  stop(): Promise<number | string>;
}

/** Spawns `simulate` with `args` and waits (bounded) for its JSON line. */
export async function startSimulateChild(args: string[] = []): Promise<SimulateChild> {
  const command = routerCommand(["simulate", ...args]);
  const child = spawnProcess(command.command, command.args, REPO);
  try {
    await child.waitForStderr(/exchange simulator on/, 60_000);
    // stdout and stderr are separate pipes: the line is written first but may be read second.
    const deadline = Date.now() + 5_000;
    while (!child.stdout().includes("\n")) {
      if (Date.now() > deadline) throw new Error(`no stdout line:\n${child.stdout()}\n${child.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } catch (e) {
    child.kill("SIGKILL");
    await child.exited(10_000).catch(() => {});
    throw e;
  }
  const line = child.stdout().split("\n")[0]!;
  return {
    child,
    line,
    access: JSON.parse(line),
    stop: async () => {
      child.kill("SIGTERM");
      return await child.exited(15_000);
    },
  };
}
