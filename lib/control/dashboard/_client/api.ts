/**
 * The dashboard's requests to the control plane: same origin only, the bearer token (when the router needs
 * one) from this tab's session storage, and the page's CSRF token on every state-changing request.
 *
 * @module
 */

const TOKEN_KEY = "lightning-router.token";

/**
 * An answer that was not 2xx, with the control plane's `{code, msg}` when it sent one.
 *
 * @example
 * ```ts
 * const e = new ApiError(403, -21, "403 Forbidden: missing or wrong x-csrf-token header");
 * e.code; // -21
 * ```
 */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly code: number | undefined;
  constructor(status: number, code: number | undefined, msg: string) {
    super(msg);
    this.status = status;
    this.code = code;
  }
}

/**
 * The control plane as the page talks to it.
 *
 * @example
 * ```ts
 * const api = new Api(document.body.dataset.csrf ?? "");
 * const health = await api.json<{ halted: boolean }>("/health", [503]);
 * if (!health.halted) await api.post("/halt", { reason: "news" });
 * ```
 */
export class Api {
  readonly #csrf: string;
  /** Called on a 401: the token is missing or wrong. */
  onUnauthorized: () => void = () => {};

  constructor(csrf: string) {
    this.#csrf = csrf;
  }

  /** The bearer token kept for this tab, if any. */
  get token(): string {
    return sessionStorage.getItem(TOKEN_KEY) ?? "";
  }

  set token(value: string) {
    if (value === "") sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, value);
  }

  /** Headers every request carries (the bearer token when one is set). */
  headers(): Record<string, string> {
    const token = this.token;
    return token === "" ? {} : { authorization: `Bearer ${token}` };
  }

  /** GET a JSON answer. `/health` answers 503 with its body when disconnected: that body is returned. */
  async json<T>(path: string, allow: readonly number[] = []): Promise<T> {
    const response = await fetch(path, { headers: this.headers(), cache: "no-store" });
    if (!response.ok && !allow.includes(response.status)) throw await this.#error(response);
    return await response.json() as T;
  }

  /** GET a text answer (the Prometheus metrics). */
  async text(path: string): Promise<string> {
    const response = await fetch(path, { headers: this.headers(), cache: "no-store" });
    if (!response.ok) throw await this.#error(response);
    return await response.text();
  }

  /** POST a JSON body with the CSRF token. */
  async post<T>(path: string, body: Record<string, unknown>): Promise<T> {
    const response = await fetch(path, {
      method: "POST",
      headers: { ...this.headers(), "content-type": "application/json", "x-csrf-token": this.#csrf },
      body: JSON.stringify(body),
      cache: "no-store",
    });
    if (!response.ok) throw await this.#error(response);
    return await response.json() as T;
  }

  async #error(response: Response): Promise<ApiError> {
    if (response.status === 401) this.onUnauthorized();
    let code: number | undefined;
    let msg = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json() as { code?: unknown; msg?: unknown };
      if (typeof body.code === "number") code = body.code;
      if (typeof body.msg === "string") msg = `${msg}: ${body.msg}`;
    } catch { /* not JSON */ }
    return new ApiError(response.status, code, msg);
  }
}
