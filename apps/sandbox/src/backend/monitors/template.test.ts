import { describe, expect, it } from 'vitest';
import { extractHandles, parseTemplate, renderTemplate, type TemplateContext } from './template.ts';

const base: TemplateContext = {
  from: 'OK',
  to: 'Alert',
  value: 812.3456,
  thresholds: { critical: 800, warning: 500, critical_recovery: 700, warning_recovery: 400 },
  comparator: '>',
  tags: ['host:web-1', 'env:prod', 'dot.key:dv'],
  hostIp: '10.0.0.7',
  lastTriggeredAt: Date.UTC(2026, 10, 24, 20, 1, 0),
  firstTriggeredAt: Date.UTC(2026, 10, 24, 20, 0, 0),
  now: Date.UTC(2026, 10, 24, 20, 5, 0),
};

const challenge =
  '{{#is_alert}}ALERT {{value}} on {{host.ip}}{{/is_alert}}' +
  '{{#is_warning}}WARN{{/is_warning}}{{#is_no_data}}NODATA{{/is_no_data}}{{#is_recovery}}OK again{{/is_recovery}} @you@example.com';

const cases: { desc: string; template: string; ctx?: Partial<TemplateContext>; expected: string }[] = [
  { desc: 'text outside blocks always sent', template: 'hello @ops', expected: 'hello @ops' },
  { desc: 'is_alert on alert', template: challenge, expected: 'ALERT 812.346 on 10.0.0.7 @you@example.com' },
  { desc: 'is_warning on warn', template: challenge, ctx: { to: 'Warn' }, expected: 'WARN @you@example.com' },
  { desc: 'is_no_data', template: challenge, ctx: { to: 'No Data' }, expected: 'NODATA @you@example.com' },
  {
    desc: 'is_recovery from alert',
    template: challenge,
    ctx: { from: 'Alert', to: 'OK' },
    expected: 'OK again @you@example.com',
  },
  {
    desc: 'inverted section',
    template: '{{^is_alert}}not alert{{/is_alert}}|{{^is_warning}}not warn{{/is_warning}}',
    expected: '|not warn',
  },
  ...(
    [
      ['is_alert_recovery', 'Alert', 'OK', true],
      ['is_alert_recovery', 'Warn', 'OK', false],
      ['is_warning_recovery', 'Warn', 'OK', true],
      ['is_warning_recovery', 'Alert', 'OK', false],
      ['is_no_data_recovery', 'No Data', 'OK', true],
      ['is_no_data_recovery', 'Alert', 'OK', false],
      ['is_recovery', 'No Data', 'OK', true],
      ['is_recovery', 'OK', 'OK', false],
      ['is_alert_to_warning', 'Alert', 'Warn', true],
      ['is_alert_to_warning', 'OK', 'Warn', false],
      ['is_warning', 'Alert', 'Warn', true],
      ['is_unknown', 'OK', 'Unknown', true],
    ] as const
  ).map(([name, from, to, holds]) => ({
    desc: `${name} ${from} -> ${to}`,
    template: `{{#${name}}}yes{{else}}no{{/${name}}}`,
    ctx: { from, to },
    expected: holds ? 'yes' : 'no',
  })),
  {
    desc: 'is_renotify',
    template: '{{#is_renotify}}again: {{/is_renotify}}{{#is_alert}}alert{{/is_alert}}',
    ctx: { isRenotify: true },
    expected: 'again: alert',
  },
  {
    desc: 'is_match substring, several candidates',
    template: '{{#is_match "host.name" "db" "web"}}paged{{else}}quiet{{/is_match}}',
    expected: 'paged',
  },
  {
    desc: 'is_match no candidate matches -> else',
    template: "{{#is_match 'env.name' 'staging'}}s{{else}}other{{/is_match}}",
    expected: 'other',
  },
  {
    desc: 'inverted is_match',
    template: '{{^is_match "env.name" "prod"}}not prod{{else}}prod{{/is_match}}',
    expected: 'prod',
  },
  {
    desc: 'is_exact_match needs equality',
    template:
      '{{#is_exact_match "host.name" "web"}}a{{/is_exact_match}}{{#is_exact_match "host.name" "web-1"}}b{{/is_exact_match}}',
    expected: 'b',
  },
  {
    desc: 'is_match on a tag the group lacks is false',
    template: '{{#is_match "team.name" "x"}}t{{else}}f{{/is_match}}',
    expected: 'f',
  },
  {
    desc: 'thresholds and comparator',
    template:
      '{{value}} {{comparator}} {{threshold}} (warn {{warn_threshold}}, rec {{alert_recovery_threshold}}/{{warn_recovery_threshold}})',
    expected: '812.346 &gt; 800 (warn 500, rec 700/400)',
  },
  { desc: 'triple braces do not escape', template: '{{{comparator}}}', expected: '>' },
  { desc: 'comments vanish', template: 'a{{!-- hidden {{value}} --}}b{{! short }}c', expected: 'abc' },
  {
    desc: 'tag variables',
    template: '{{host.name}} {{env.name}} {{[dot.key].name}} {{host.ip}}',
    expected: 'web-1 prod dv 10.0.0.7',
  },
  {
    desc: 'host.ip on a simple alert resolves to nothing',
    template: 'ip=[{{host.ip}}]',
    ctx: { tags: [] },
    expected: 'ip=[]',
  },
  {
    desc: 'last_triggered_at and friends',
    template: '{{last_triggered_at}} {{last_triggered_at_epoch}} {{triggered_duration_sec}}',
    expected: `2026-11-24 20:01:00 UTC ${Date.UTC(2026, 10, 24, 20, 1, 0)} 300`,
  },
  {
    desc: 'nested sections',
    template: '{{#is_alert}}A{{#is_match "host.name" "web"}}-web{{/is_match}}{{/is_alert}}',
    expected: 'A-web',
  },
  {
    desc: 'priority',
    template: "{{#is_priority 'P2'}}p2{{/is_priority}}",
    ctx: { priority: 2 },
    expected: 'p2',
  },
  {
    desc: 'no data has no value',
    template: 'v={{value}}',
    ctx: { to: 'No Data', value: undefined },
    expected: 'v=',
  },
  {
    desc: 'whitespace inside braces',
    template: '{{ value }}|{{# is_alert }}x{{/ is_alert }}',
    expected: '812.346|x',
  },
];

describe('renderTemplate', () => {
  for (const c of cases) {
    it(c.desc, () => {
      expect(renderTemplate(c.template, { ...base, ...c.ctx }).text).toBe(c.expected);
    });
  }

  it('reports variables that resolve to nothing', () => {
    const r = renderTemplate('{{host.ip}} {{my_metric}}', { ...base, tags: [] });
    expect(r.unresolved).toEqual(['host.ip', 'my_metric']);
    expect(r.errors).toEqual([]);
  });

  it('reports template mistakes without throwing', () => {
    expect(parseTemplate('{{#is_alert}}x').errors).toEqual(['{{#is_alert}} is never closed']);
    expect(parseTemplate('x{{/is_alert}}').errors).toEqual(['{{/is_alert}} closes no open section']);
    expect(renderTemplate('{{#is_bogus}}x{{/is_bogus}}', base).errors).toEqual([
      'unknown section {{#is_bogus}}',
    ]);
    expect(renderTemplate('{{else}}', base)).toMatchObject({
      text: '{{else}}',
      errors: ['{{else}} outside a section'],
    });
  });
});

describe('extractHandles', () => {
  const table: { input: string; expected: string[] }[] = [
    { input: 'Alert @you@example.com please', expected: ['you@example.com'] },
    { input: '@webhook-ops @slack-alerts, @webhook-ops.', expected: ['webhook-ops', 'slack-alerts'] },
    { input: 'mail me at someone@example.com', expected: [] },
    { input: '(@pagerduty-Web) and\n@oncall', expected: ['pagerduty-Web', 'oncall'] },
    { input: 'nothing here', expected: [] },
  ];
  for (const { input, expected } of table) {
    it(JSON.stringify(input), () => expect(extractHandles(input)).toEqual(expected));
  }

  it('takes handles only from what was rendered', () => {
    const text = renderTemplate('{{#is_alert}}@pager{{/is_alert}}{{#is_recovery}}@chat{{/is_recovery}} @me', {
      ...base,
      from: 'Alert',
      to: 'OK',
    }).text;
    expect(extractHandles(text)).toEqual(['chat', 'me']);
  });
});
