import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode } from '@msgpack/msgpack';

const BURST = fileURLToPath(new URL('./fixtures/trace-burst.mjs', import.meta.url));

/**
 * Runs dd-trace (trace-burst.mjs) against a capture server and writes each /v0.4/traces body it
 * sent to `<dir>/NNNN.msgpack`; returns the payloads with their span counts.
 */
export async function captureDdTracePayloads(
  dir: string,
  seconds = 2,
  tracesPerSecond?: number,
): Promise<Array<{ body: Buffer; spans: number }>> {
  mkdirSync(dir, { recursive: true });
  const payloads: Array<{ body: Buffer; spans: number }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url?.startsWith('/v0.4/traces')) {
        const body = Buffer.concat(chunks);
        const spans = (decode(body, { useBigInt64: true }) as unknown[][]).reduce((n, t) => n + t.length, 0);
        if (spans > 0) {
          writeFileSync(join(dir, `${String(payloads.length).padStart(4, '0')}.msgpack`), body);
          payloads.push({ body, spans });
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"rate_by_service":{"service:,env:":1}}');
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BURST, String(seconds), ...(tracesPerSecond ? [String(tracesPerSecond)] : [])],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: {
          PATH: process.env.PATH,
          DD_TRACE_AGENT_URL: `http://127.0.0.1:${port}`,
          DD_REMOTE_CONFIGURATION_ENABLED: 'false',
          DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
        },
        stdio: 'inherit',
      },
    );
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`trace-burst exited ${code}`))));
  });
  server.close();
  return payloads;
}
