/**
 * A sandbox in a child process for the kill -9 test: starts on free ports in SANDBOX_DATA_DIR
 * and prints {"apiUrl": ...} on one line once it listens.
 */
import { loadConfig } from '@dd-challenge/config';
import { startSandbox } from '../sandbox.ts';

const dataDir = process.env.SANDBOX_DATA_DIR;
if (!dataDir) throw new Error('SANDBOX_DATA_DIR is required');
const config = loadConfig({ env: { LOG_LEVEL: 'silent' }, envFile: false });
const sandbox = await startSandbox({ config, dataDir, ports: { api: 0, dogstatsd: 0, traces: 0 } });
process.stdout.write(`${JSON.stringify({ apiUrl: sandbox.apiUrl })}\n`);
