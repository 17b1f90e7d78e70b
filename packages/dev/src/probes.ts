import { connect } from 'node:net';

const TIMEOUT_MS = 2000;

/** True when `url` answers 2xx within two seconds. */
export async function answers(url: string, headers: Readonly<Record<string, string>> = {}): Promise<boolean> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** True when something accepts a TCP connection on host:port within a second. */
export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Time (ms) of the newest non-null point of `query` over the last `seconds`; undefined for none. */
export async function newestPoint(
  apiUrl: string,
  headers: Readonly<Record<string, string>>,
  query: string,
  seconds: number,
): Promise<number | undefined> {
  const to = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(
      `${apiUrl}/api/v1/query?from=${to - seconds}&to=${to}&query=${encodeURIComponent(query)}`,
      { headers, signal: AbortSignal.timeout(TIMEOUT_MS) },
    );
    if (!res.ok) return undefined;
    const body = (await res.json()) as { series?: { pointlist?: [number, number | null][] }[] };
    let newest: number | undefined;
    for (const s of body.series ?? [])
      for (const [at, value] of s.pointlist ?? []) if (value !== null && (newest ?? 0) < at) newest = at;
    return newest;
  } catch {
    return undefined;
  }
}
