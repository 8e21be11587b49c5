/**
 * Small DOM helpers for the dashboard's tables: rows built with `textContent` only (order ids, symbols and
 * reasons come from outside; none of it is ever parsed as HTML), and sorting by a clicked column.
 *
 * @module
 */

/**
 * One cell: its text and an optional class (e.g. "pos" / "neg" for PnL colours).
 *
 * @example
 * ```ts
 * const cell: Cell = { text: "+1.20", className: "pos" };
 * ```
 */
export type Cell = string | { text: string; className?: string; title?: string };

/**
 * Replaces the rows of `table`'s body; an empty list shows `empty` across the table.
 *
 * @example
 * ```ts
 * fillTable(document.querySelector("table")!, [["BTCUSDT", "0.002"]], "no rows");
 * ```
 */
export function fillTable(table: HTMLTableElement, rows: readonly Cell[][], empty: string): void {
  const body = table.tBodies[0] ?? table.createTBody();
  const fresh = document.createElement("tbody");
  if (rows.length === 0) {
    const tr = fresh.insertRow();
    const td = tr.insertCell();
    td.colSpan = table.tHead?.rows[0]?.cells.length ?? 1;
    td.className = "empty";
    td.textContent = empty;
  }
  for (const row of rows) {
    const tr = fresh.insertRow();
    for (const cell of row) {
      const td = tr.insertCell();
      if (typeof cell === "string") td.textContent = cell;
      else {
        td.textContent = cell.text;
        if (cell.className !== undefined) td.className = cell.className;
        if (cell.title !== undefined) td.title = cell.title;
      }
    }
  }
  body.replaceWith(fresh);
}

/**
 * Sort state of a table whose header cells carry `data-key`.
 *
 * @example
 * ```ts
 * const table = document.querySelector("table")!;
 * const sort = new SortState(table, "updatedAt", true, () => {});
 * sort.sort([{ updatedAt: 2 }, { updatedAt: 1 }]); // newest first
 * ```
 */
export class SortState {
  key: string;
  descending: boolean;
  readonly #table: HTMLTableElement;

  constructor(table: HTMLTableElement, key: string, descending: boolean, onChange: () => void) {
    this.#table = table;
    this.key = key;
    this.descending = descending;
    for (const th of table.querySelectorAll<HTMLTableCellElement>("th[data-key]")) {
      th.tabIndex = 0;
      const pick = () => {
        const k = th.dataset.key!;
        this.descending = this.key === k ? !this.descending : false;
        this.key = k;
        this.#mark();
        onChange();
      };
      th.addEventListener("click", pick);
      th.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") pick();
      });
    }
    this.#mark();
  }

  /** `items` sorted by the current key (numbers numerically, the rest as text). */
  sort<T extends Record<string, unknown>>(items: T[]): T[] {
    const sign = this.descending ? -1 : 1;
    return items.sort((a, b) => sign * compare(a[this.key], b[this.key]));
  }

  #mark(): void {
    for (const th of this.#table.querySelectorAll<HTMLTableCellElement>("th[data-key]")) {
      const on = th.dataset.key === this.key;
      th.setAttribute("aria-sort", on ? (this.descending ? "descending" : "ascending") : "none");
    }
  }
}

function compare(a: unknown, b: unknown): number {
  const x = typeof a === "string" && a !== "" && !Number.isNaN(Number(a)) ? Number(a) : a;
  const y = typeof b === "string" && b !== "" && !Number.isNaN(Number(b)) ? Number(b) : b;
  if (typeof x === "number" && typeof y === "number") return x - y;
  return String(x ?? "").localeCompare(String(y ?? ""));
}

/**
 * Local time of an epoch-ms timestamp, `HH:MM:SS.mmm`.
 *
 * @example
 * ```ts
 * clockTime(Date.now()); // e.g. "07:04:43.737"
 * ```
 */
export function clockTime(ms: unknown): string {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0) return "";
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * A decimal string without trailing zeros ("50000.00" → "50000", "0.00200" → "0.002").
 *
 * @example
 * ```ts
 * trimDecimal("50000.00"); // "50000"
 * ```
 */
export function trimDecimal(value: unknown): string {
  const s = typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
  return /^-?\d+\.\d+$/.test(s) ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/**
 * A signed amount as a cell coloured by its sign.
 *
 * @example
 * ```ts
 * signedCell("-0.02000000"); // { text: "-0.02", className: "neg" }
 * ```
 */
export function signedCell(value: unknown, digits = 2): Cell {
  const n = Number(value);
  if (!Number.isFinite(n)) return "";
  return { text: (n > 0 ? "+" : "") + n.toFixed(digits), className: n > 0 ? "pos" : n < 0 ? "neg" : "" };
}
