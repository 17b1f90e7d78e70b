import { readFileSync } from 'node:fs';

/** This package's version, for the user-agent. */
export const PACKAGE_VERSION: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;
