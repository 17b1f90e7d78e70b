import { allUp, type Demo, type PartStatus, type Provisioning } from './parts.ts';

const RULE = '─'.repeat(78);
const LABEL: Readonly<Record<PartStatus['state'], string>> = {
  up: 'up',
  waiting: 'waiting',
  down: 'DOWN',
  failed: 'FAILED',
  off: 'off',
};

/** The headline: the one the first block after start-up says is `dd-challenge is up`. */
export function headline(demo: Demo, statuses: readonly PartStatus[]): string {
  const where = demo.target === 'sandbox' ? 'the sandbox' : `Datadog (${demo.site})`;
  if (allUp(statuses)) return `dd-challenge is up: every part answers, against ${where}`;
  const notUp = statuses.filter((s) => s.state !== 'up' && s.state !== 'off');
  const failed = notUp.filter((s) => s.state === 'failed' || s.state === 'down').length;
  const parts = (n: number) => `${n} part${n === 1 ? '' : 's'}`;
  const waiting = notUp.length - failed;
  const said = [failed ? `${parts(failed)} down` : '', waiting ? `${parts(waiting)} waiting` : '']
    .filter(Boolean)
    .join(', ');
  return `dd-challenge: ${said}, against ${where}`;
}

/**
 * The status block: each part's state, then where to look (console, API, the provisioned
 * resources), the downtimes' time zone and how to see this again or stop.
 */
export function renderBlock(
  demo: Demo,
  statuses: readonly PartStatus[],
  provisioning: Provisioning,
  options: { at: number; enterShows: boolean },
): string {
  const rows: [string, string][] = [];
  rows.push(['Console', demo.appUrl]);
  rows.push([
    'API',
    demo.target === 'sandbox'
      ? `${demo.apiUrl} (the sandbox, with Datadog's API paths)`
      : `${demo.apiUrl} (Datadog, ${demo.site})`,
  ]);
  if (provisioning.state === 'done') {
    for (const r of provisioning.resources) {
      if (r.kind === 'downtime') continue;
      rows.push([r.kind === 'dashboard' ? 'Dashboard' : 'Monitor', `${r.title}: ${r.url}`]);
    }
  }
  const zone =
    demo.downtimeZone === demo.machineZone
      ? `${demo.downtimeZone} (this machine's zone; DOWNTIME_TIMEZONE changes it)`
      : `${demo.downtimeZone} (DOWNTIME_TIMEZONE; this machine is in ${demo.machineZone})`;
  rows.push(['Downtimes', `${demo.appUrl}/monitors/downtimes, scheduled in ${zone}`]);
  rows.push([
    'Again',
    `${options.enterShows ? 'Enter, or ' : ''}pnpm dev:status in another shell; Ctrl-C stops every part`,
  ]);

  const nameWidth = Math.max(...statuses.map((s) => s.name.length));
  const stateWidth = Math.max(...statuses.map((s) => LABEL[s.state].length));
  const rowWidth = Math.max(...rows.map(([k]) => k.length));
  const time = new Date(options.at).toTimeString().slice(0, 8);
  return [
    RULE,
    `${headline(demo, statuses)} (${time})`,
    ...statuses.map(
      (s) => `  ${s.name.padEnd(nameWidth)}  ${LABEL[s.state].padEnd(stateWidth)}  ${s.detail}`,
    ),
    '',
    ...rows.map(([k, v]) => `  ${k.padEnd(rowWidth)}  ${v}`),
    RULE,
  ].join('\n');
}
