/** Console output of benchmark figures: one aligned line per result. */
import type { NewResult } from "./results.ts";

/** Prints `results` as `name  median  p99  [p99.9]  unit`. */
export function printResults(title: string, results: NewResult[]): void {
  const width = Math.max(...results.map((r) => r.name.length), 10);
  const num = (v: number | undefined) =>
    v === undefined || Number.isNaN(v)
      ? "-"
      : v >= 100
      ? v.toFixed(0)
      : v >= 10
      ? v.toFixed(1)
      : v.toFixed(3);
  console.log(`\n${title}`);
  console.log(
    `${"".padEnd(width)}  ${"median".padStart(10)}  ${"p99".padStart(10)}  ${"p99.9".padStart(10)}`,
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(width)}  ${num(r.median).padStart(10)}  ${num(r.p99).padStart(10)}  ${
        num(r.p999).padStart(10)
      }  ${r.unit}${r.n === undefined ? "" : `  (n=${r.n})`}${r.note ? `  ${r.note}` : ""}`,
    );
  }
}
