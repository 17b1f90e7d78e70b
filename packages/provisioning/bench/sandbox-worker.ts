/**
 * The sandbox in a worker thread for the benchmark: its own event loop (and core), as when it runs
 * as its own process, so the client's time and the sandbox's time are not one queue.
 */
import { parentPort } from 'node:worker_threads';
import { startTestSandbox } from '../test/support.ts';

const env = await startTestSandbox();
parentPort?.postMessage({ apiUrl: env.sandbox.apiUrl });
parentPort?.on('message', async (message) => {
  if (message === 'close') {
    await env.close();
    parentPort?.postMessage('closed');
    parentPort?.close();
  }
});
