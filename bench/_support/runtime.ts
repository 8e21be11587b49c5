/** Which runtime runs this benchmark (Deno, Bun or Node) and its version, for result labels. */
import process from "node:process";

/** The three runtimes the benchmarks run on. */
export type RuntimeName = "deno" | "bun" | "node";

interface RuntimeGlobals {
  Deno?: { version: { deno: string } };
  Bun?: { version: string };
}

const globals = globalThis as RuntimeGlobals;

/** The runtime executing this code. */
export function runtimeName(): RuntimeName {
  if (globals.Bun !== undefined) return "bun";
  if (globals.Deno !== undefined) return "deno";
  return "node";
}

/** "Deno 2.9.6", "Bun 1.4.4" or "Node 20.20.2". */
export function runtimeLabel(): string {
  if (globals.Bun !== undefined) return `Bun ${globals.Bun.version}`;
  if (globals.Deno !== undefined) return `Deno ${globals.Deno.version.deno}`;
  return `Node ${process.versions.node}`;
}
