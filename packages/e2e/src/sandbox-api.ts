/** A thin reader of the sandbox's API for the end-to-end checks (Datadog's paths and keys). */
export class SandboxApi {
  readonly #base: string;

  constructor(base: string) {
    this.#base = base;
  }

  async get<T = unknown>(path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.#base}${path}`, {
      headers: { 'DD-API-KEY': 'local', 'DD-APPLICATION-KEY': 'local' },
      signal: AbortSignal.timeout(10_000),
    });
    const type = res.headers.get('content-type') ?? '';
    const body = (type.includes('json') ? await res.json() : await res.arrayBuffer()) as T;
    return { status: res.status, body };
  }

  /** Points of a metric query over the last `seconds`, non-null values only. */
  async points(query: string, seconds = 600): Promise<number[]> {
    const to = Math.floor(Date.now() / 1000);
    const from = to - seconds;
    const { status, body } = await this.get<{ series?: { pointlist: [number, number | null][] }[] }>(
      `/api/v1/query?from=${from}&to=${to}&query=${encodeURIComponent(query)}`,
    );
    if (status !== 200) return [];
    return (body.series ?? [])
      .flatMap((s) => s.pointlist.map((p) => p[1]))
      .filter((v): v is number => v !== null);
  }
}

/** Polls `check` until it returns a value other than undefined, or throws with `what` at the deadline. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
