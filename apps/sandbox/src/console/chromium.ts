/**
 * How the sandbox drives a browser: Debian's Chromium, headless, with everything that would
 * reach the network on its own (updates, sync, QUIC probes) switched off. Shared by the console
 * screenshots script and the console browser tests so both run the same browser the same way.
 */

/** Debian's Chromium (`apt-get install chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

/** Command-line switches for a quiet, offline, headless Chromium. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
