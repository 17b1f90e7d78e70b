import http from 'node:http';
import https from 'node:https';
import { connect } from 'node:net';

const TIMEOUT_MS = 2000;

/**
 * GET `url` within two seconds: its status and body. node:http rather than fetch: undici would
 * hold about 20 MB more in the launcher, which runs for as long as the demo does.
 */
function get(
  url: string,
  headers: Readonly<Record<string, string>>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = url.startsWith('https:') ? https.get : http.get;
    const req = request(url, { headers, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** True when `url` answers 2xx within two seconds. */
export async function answers(url: string, headers: Readonly<Record<string, string>> = {}): Promise<boolean> {
  try {
    const { status } = await get(url, headers);
    return status >= 200 && status < 300;
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
    const res = await get(
      `${apiUrl}/api/v1/query?from=${to - seconds}&to=${to}&query=${encodeURIComponent(query)}`,
      headers,
    );
    if (res.status < 200 || res.status >= 300) return undefined;
    const body = JSON.parse(res.body) as { series?: { pointlist?: [number, number | null][] }[] };
    let newest: number | undefined;
    for (const s of body.series ?? [])
      for (const [at, value] of s.pointlist ?? []) if (value !== null && (newest ?? 0) < at) newest = at;
    return newest;
  } catch {
    return undefined;
  }
}
