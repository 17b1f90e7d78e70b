// /api/v1/query for anomalies(...) over a week of 10 s points (60,480 points of one series,
// submitted through the series API): the time of each answer, seen by the client. Target: under
// 100 ms.
import { report, round, startSandboxProcess } from './support.ts';

const WEEK = 7 * 86_400;
const RUNS = 10;

const sandbox = await startSandboxProcess();
try {
  const now = Math.floor(Date.now() / 10_000) * 10;
  const points = Array.from({ length: WEEK / 10 }, (_, i) => {
    const t = now - WEEK + i * 10;
    return { timestamp: t, value: 100 + 30 * Math.sin((2 * Math.PI * t) / 86_400) + Math.random() * 10 };
  });
  for (let i = 0; i < points.length; i += 10_000) {
    await sandbox.post('/api/v2/series', {
      series: [
        {
          metric: 'bench.week',
          type: 3,
          interval: 10,
          tags: ['host:bench-host'],
          points: points.slice(i, i + 10_000),
        },
      ],
    });
  }
  const query = encodeURIComponent("anomalies(avg:bench.week{*}, 'basic', 2)");
  const path = `/api/v1/query?from=${now - WEEK}&to=${now}&query=${query}`;
  const times: number[] = [];
  let bands = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const answer = await sandbox.get<{ series: Array<{ pointlist: unknown[]; upper?: unknown[] }> }>(path);
    times.push(performance.now() - start);
    bands = answer.series[0]?.pointlist.length ?? 0;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(RUNS / 2)] as number;
  report('query', {
    target: 'anomalies() over a week of 10 s points under 100 ms',
    points_stored: points.length,
    points_answered: bands,
    ms: { first: round(times[0] as number), median: round(median), max: round(sorted[RUNS - 1] as number) },
    met: median < 100,
  });
} finally {
  await sandbox.stop();
}
