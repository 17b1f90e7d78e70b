// `pnpm dev:status`: prints the status block of the `pnpm dev` running from this checkout (the
// copy it keeps in DEV_STATUS_FILE). Exit 0 when it runs, 1 when it does not.
import { loadConfigOrExit } from '@dd-challenge/config';
import { readStatusFile } from './status-file.ts';

const config = loadConfigOrExit();
const found = readStatusFile(config.devStatusFile);
if ('missing' in found) {
  process.stderr.write(`${found.missing}. Start it with: pnpm dev\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(`${found.status.block}\n`);
}
