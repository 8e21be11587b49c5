/**
 * The two uPlot charts: round-trip p50/p99 over the last 15 minutes, and the round-trip histogram. uPlot is
 * loaded by its own `<script>` (the library's IIFE build, served from the binary) and is a global here.
 *
 * @module
 */

/** The part of uPlot's API used here (the library's own types are not needed at run time). */
interface UPlotChart {
  setData(data: (number | null)[][]): void;
  setSize(size: { width: number; height: number }): void;
}
interface UPlotStatic {
  new (options: Record<string, unknown>, data: (number | null)[][], target: HTMLElement): UPlotChart;
  paths: { bars?: (options: Record<string, unknown>) => unknown };
}
declare const uPlot: UPlotStatic;

const AXIS = { stroke: "#8b98a8", grid: { stroke: "#1c2632", width: 1 }, ticks: { stroke: "#1c2632" } };
const HEIGHT = 220;

function width(target: HTMLElement): number {
  return Math.max(280, target.clientWidth);
}

function resizing(target: HTMLElement, chart: UPlotChart): void {
  new ResizeObserver(() => chart.setSize({ width: width(target), height: HEIGHT })).observe(target);
}

/**
 * p50 and p99 of order round trips (ms) over time (s).
 *
 * @example
 * ```ts
 * const chart = new LatencyChart(document.getElementById("latency-chart")!);
 * chart.add(Date.now() / 1000, 0.0012, 0.004);
 * ```
 */
export class LatencyChart {
  readonly #chart: UPlotChart;
  readonly #times: number[] = [];
  readonly #p50: (number | null)[] = [];
  readonly #p99: (number | null)[] = [];
  readonly #windowS: number;

  constructor(target: HTMLElement, windowS = 15 * 60) {
    this.#windowS = windowS;
    this.#chart = new uPlot(
      {
        width: width(target),
        height: HEIGHT,
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          // Always the whole window, ending now (or at the last point), so the first points do not fill it.
          x: {
            time: true,
            range: (_u: unknown, _min: number, max: number) => {
              const end = Number.isFinite(max) && max > 0 ? max : Date.now() / 1000;
              return [end - this.#windowS, end + this.#windowS / 60]; // a little room for the newest point
            },
          },
          y: { range: (_u: unknown, _min: number, max: number) => [0, max * 1.15 || 1] },
        },
        axes: [
          { ...AXIS, values: (_u: unknown, ticks: number[]) => ticks.map(hourMinute) },
          { ...AXIS, size: 60, values: (_u: unknown, ticks: number[]) => ticks.map((t) => `${t} ms`) },
        ],
        series: [
          {},
          { label: "p50", stroke: "#38bdf8", width: 2, points: { show: true, size: 5 }, spanGaps: false },
          { label: "p99", stroke: "#f59e0b", width: 2, points: { show: true, size: 5 }, spanGaps: false },
        ],
      },
      [[], [], []],
      target,
    );
    resizing(target, this.#chart);
  }

  /** Points with a value (not gaps). */
  get points(): number {
    return this.#p50.filter((v) => v !== null).length;
  }

  /** Adds one interval's quantiles in seconds (undefined: no round trip in that interval, a gap). */
  add(timeS: number, p50: number | undefined, p99: number | undefined): void {
    this.#times.push(timeS);
    this.#p50.push(p50 === undefined ? null : p50 * 1000);
    this.#p99.push(p99 === undefined ? null : p99 * 1000);
    while (this.#times.length > 0 && this.#times[0]! < timeS - this.#windowS) {
      this.#times.shift();
      this.#p50.shift();
      this.#p99.shift();
    }
    this.#chart.setData([this.#times, this.#p50, this.#p99]);
  }
}

/**
 * Round trips per histogram bucket since the router started.
 *
 * @example
 * ```ts
 * const chart = new HistogramChart(document.getElementById("histogram-chart")!);
 * chart.set([0.001, 0.002], [3, 5, 0]);
 * ```
 */
export class HistogramChart {
  readonly #chart: UPlotChart;
  #labels: string[] = [];

  constructor(target: HTMLElement) {
    const bars = uPlot.paths.bars?.({ size: [0.75, 48], gap: 2 });
    this.#chart = new uPlot(
      {
        width: width(target),
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: false },
          y: { range: (_u: unknown, _min: number, max: number) => [0, max * 1.15 || 1] },
        },
        axes: [
          {
            ...AXIS,
            values: (_u: unknown, ticks: number[]) => ticks.map((t) => this.#labels[t] ?? ""),
            splits: () => this.#labels.map((_, i) => i),
            rotate: 0,
            size: 40,
          },
          { ...AXIS, size: 50 },
        ],
        series: [{}, {
          label: "round trips",
          stroke: "#38bdf8",
          fill: "rgba(56,189,248,0.35)",
          paths: bars,
          points: { show: false },
        }],
      },
      [[], []],
      target,
    );
    resizing(target, this.#chart);
  }

  /** Shows `counts` for buckets with upper bounds `bounds` (seconds) plus the overflow bucket. */
  set(bounds: readonly number[], counts: readonly number[]): void {
    this.#labels = [...bounds.map(shortDuration), `>${shortDuration(bounds.at(-1) ?? 0)}`];
    this.#chart.setData([counts.map((_, i) => i), [...counts]]);
  }
}

/** A bucket bound as a compact axis label: "50µs", "750µs", "1ms", "250ms", "1s". */
function shortDuration(s: number): string {
  if (s < 0.001) return `${Math.round(s * 1e6)}µs`;
  if (s < 1) return `${Math.round(s * 1e3)}ms`;
  return `${Math.round(s)}s`;
}

/** Local wall time of an epoch-seconds tick, "HH:MM". */
function hourMinute(s: number): string {
  const d = new Date(s * 1000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}
