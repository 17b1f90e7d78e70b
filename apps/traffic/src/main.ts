import { loadConfigOrExit } from '@dd-challenge/config';
import { createConsole } from './console.ts';
import { trafficSettings } from './settings.ts';
import { startTraffic } from './traffic.ts';

const config = loadConfigOrExit();
const settings = trafficSettings(config);
const output = createConsole(config, settings.logProgressEveryMs);
const run = startTraffic({
  settings,
  log: output.log,
  onProgress: (snapshot, phase) => output.progress(snapshot, phase),
});

const exit = () => {
  output.close();
  process.exit(0);
};
run.done.then(exit, (error: unknown) => {
  output.log.error({ err: error }, 'traffic failed');
  output.close();
  process.exit(1);
});

let stopping = false;
const onSignal = () => {
  if (stopping) return;
  stopping = true;
  // Requests in flight time out after a few seconds at most; do not wait longer than that.
  setTimeout(exit, 2000).unref();
  void run.stop();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
