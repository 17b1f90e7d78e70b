import { describe, expect, it } from 'vitest';
import { MAX_VALUES, type MetricLine, parseLine, parseNumber, splitLines } from './parser.ts';

const metric = (line: string): MetricLine => {
  const parsed = parseLine(line);
  if (parsed.kind !== 'metric') throw new Error(`${line}: ${JSON.stringify(parsed)}`);
  return parsed;
};
const reason = (line: string) => {
  const parsed = parseLine(line);
  return parsed.kind === 'error' ? parsed.reason : parsed.kind;
};

describe('DogStatsD metric lines', () => {
  it('reads name, values and type, with the defaults', () => {
    expect(metric('page.views:1.5|g')).toEqual({
      kind: 'metric',
      name: 'page.views',
      type: 'gauge',
      values: [1.5],
      member: undefined,
      rate: 1,
      tags: '',
      timestamp: 0,
      containerId: undefined,
    });
    const types = ['c', 'g', 'ms', 'h', 's', 'd'].map((t) => metric(`m:1|${t}`).type);
    expect(types).toEqual(['count', 'gauge', 'timing', 'histogram', 'set', 'distribution']);
  });

  it('reads several values on one line, skipping empty ones', () => {
    expect(metric('m:1:2:3|c').values).toEqual([1, 2, 3]);
    expect(metric('m:1::2:|h').values).toEqual([1, 2]);
    expect(metric(`m:${Array(MAX_VALUES).fill(1).join(':')}|d`).values).toHaveLength(MAX_VALUES);
    expect(
      reason(
        `m:${Array(MAX_VALUES + 1)
          .fill(1)
          .join(':')}|d`,
      ),
    ).toBe('too many values');
  });

  it('reads optional fields by prefix in any order; unknown ones are ignored', () => {
    const m = metric('m:2|c|#env:prod,team,env:dev|@0.25|c:abc123|T1795000000|x:whatever');
    expect(m).toMatchObject({
      rate: 0.25,
      tags: 'env:prod,team,env:dev',
      containerId: 'abc123',
      timestamp: 1795000000,
    });
    expect(metric('m:2|c|T1795000000|@0.5|#a').rate).toBe(0.5);
    // the last tags field wins
    expect(metric('m:1|g|#a|#b,c').tags).toBe('b,c');
    expect(metric('m:1|g|#').tags).toBe('');
  });

  it('keeps a set member as its whole value text', () => {
    expect(metric('users:alice:x|s')).toMatchObject({ type: 'set', member: 'alice:x', values: [] });
    expect(reason('users:|s')).toBe('empty value');
  });

  it('names what is wrong with a line', () => {
    const cases: Record<string, string> = {
      'no.value': 'missing value and type',
      'no.value|c': 'missing value',
      ':1|c': 'empty metric name',
      'm:1': 'missing type',
      'm:1|': 'missing type',
      'm:1|x': 'unknown metric type',
      'm:1|cc': 'unknown metric type',
      'm:1|toString': 'unknown metric type',
      'm:1|c|@0': 'invalid sample rate',
      'm:1|c|@1.5': 'invalid sample rate',
      'm:1|c|@x': 'invalid sample rate',
      'm:1|c|@': 'invalid sample rate',
      'm:1|g|T0': 'invalid timestamp',
      'm:1|g|T1.5': 'invalid timestamp',
      'm:1|g|Tsoon': 'invalid timestamp',
      'm:abc|g': 'invalid value',
      'm:nan|g': 'invalid value',
      'm:1,5|g': 'invalid value',
      'm:0x10|g': 'invalid value',
      'm:inf|g': 'non-finite value',
      'm:-Infinity|g': 'non-finite value',
      'm:1e999|g': 'non-finite value',
      'm:|g': 'empty value',
      'm:::|c': 'empty value',
      'm:1:x|c': 'invalid value',
    };
    const got = Object.fromEntries(Object.keys(cases).map((line) => [line, reason(line)]));
    expect(got).toEqual(cases);
  });
});

describe('DogStatsD numbers', () => {
  it('reads what Go ParseFloat reads', () => {
    expect(
      ['1', '+3', '-0.5', '.5', '1.', '007', '1e3', '2E-2', '12345678901234567'].map(parseNumber),
    ).toEqual([1, 3, -0.5, 0.5, 1, 7, 1000, 0.02, 12345678901234568]);
    expect(parseNumber('inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parseNumber('-INFINITY')).toBe(Number.NEGATIVE_INFINITY);
    for (const text of ['', 'nan', 'abc', '1..2', '--1', '1-', ' 1', '0x10', '1_000', 'e3'])
      expect(parseNumber(text)).toBeNaN();
  });
});

describe('DogStatsD datagrams', () => {
  it('splits on newlines, drops a trailing CR and skips empty lines', () => {
    expect(splitLines('a:1|c\r\n\nb:2|g\n\r\n')).toEqual(['a:1|c', 'b:2|g']);
  });
});

describe('DogStatsD events', () => {
  it('reads every field', () => {
    const parsed = parseLine(
      '_e{6,4}:Deploy|a\\nb|d:1795000000|h:web-1|k:deploys|p:low|s:jenkins|t:success|#env:prod,,svc',
    );
    expect(parsed).toEqual({
      kind: 'event',
      event: {
        title: 'Deploy',
        text: 'a\nb',
        date_happened: 1795000000,
        host: 'web-1',
        aggregation_key: 'deploys',
        priority: 'low',
        source_type_name: 'jenkins',
        alert_type: 'success',
        tags: ['env:prod', 'svc'],
      },
    });
  });

  it('leaves date and host to the receiver, and takes lengths in bytes or in UTF-16 units', () => {
    const bytes = parseLine('_e{5,4}:été|text');
    expect(bytes).toMatchObject({
      kind: 'event',
      event: { title: 'été', text: 'text', date_happened: undefined, host: undefined },
    });
    // hot-shots: 'été' is 3 UTF-16 units
    expect(parseLine('_e{3,4}:été|text|t:bogus')).toMatchObject({
      event: { title: 'été', text: 'text', alert_type: 'info', priority: 'normal' },
    });
  });

  it('names what is wrong with an event', () => {
    expect(reason('_e{a,1}:x|y')).toBe('invalid event header');
    expect(reason('_e{1,1}x|y')).toBe('invalid event header');
    expect(reason('_e{5,1}:x|y')).toBe('event lengths do not match title and text');
    expect(reason('_e{1,3}:x|y')).toBe('event lengths do not match title and text');
    expect(reason('_e{0,1}:|y')).toBe('empty event title');
    // too short to be an event: read as a metric line
    expect(reason('_e{')).toBe('missing value and type');
  });
});

describe('DogStatsD service checks', () => {
  it('reads every field', () => {
    expect(parseLine('_sc|db.up|2|d:1795000000|h:db-1|#env:prod|m:connection refused')).toEqual({
      kind: 'service_check',
      check: {
        check: 'db.up',
        status: 2,
        timestamp: 1795000000,
        host_name: 'db-1',
        tags: ['env:prod'],
        message: 'connection refused',
      },
    });
    expect(parseLine('_sc|db.up|0')).toMatchObject({ check: { timestamp: undefined, host_name: undefined } });
  });

  it('names what is wrong with a service check', () => {
    expect(reason('_sc||0')).toBe('empty service check name');
    expect(reason('_sc|db.up|4')).toBe('invalid service check status');
    expect(reason('_sc|db.up')).toBe('invalid service check status');
  });
});
