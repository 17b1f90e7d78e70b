/** The series the demo sends (my_metric, the host check, the postgres check on two databases, traced-api's runtime metrics), as the v2 series API takes them. */
export interface DemoSeries {
  readonly metric: string;
  readonly tags: string[];
  /** v2 MetricIntakeType: 1 count, 2 rate, 3 gauge. */
  readonly type: 1 | 2 | 3;
}

export function demoSeries(host = 'bench-host'): DemoSeries[] {
  const out: DemoSeries[] = [];
  const h = `host:${host}`;
  out.push({ metric: 'my_metric', tags: [h, 'env:dev', 'service:metric-emitter'], type: 3 });
  for (const m of [
    'cpu.user',
    'cpu.system',
    'cpu.idle',
    'mem.total',
    'mem.used',
    'mem.free',
    'load.1',
    'load.5',
    'load.15',
  ]) {
    out.push({ metric: `system.${m}`, tags: [h, 'role:database', 'mytag'], type: 3 });
  }
  for (const db of ['app', 'postgres']) {
    for (const m of [
      'connections',
      'rows_fetched',
      'rows_returned',
      'rows_inserted',
      'rows_updated',
      'rows_deleted',
      'commits',
      'rollbacks',
      'deadlocks',
    ]) {
      out.push({
        metric: `postgresql.${m}`,
        tags: [h, `db:${db}`, 'service:postgres'],
        type: m === 'connections' ? 3 : 2,
      });
    }
  }
  for (let i = 0; i < 30; i++)
    out.push({ metric: `runtime.node.metric_${i}`, tags: [h, 'env:dev', 'service:traced-api'], type: 3 });
  return out;
}
