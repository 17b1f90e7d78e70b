import { describe, expect, it } from 'vitest';
import { format } from './format.ts';
import { parse } from './parser.ts';
import { substituteTemplateVariables } from './template.ts';

const table: { desc: string; input: string; vars: Record<string, string>; expected: string }[] = [
  {
    desc: 'a tag value (the challenge dashboard)',
    input: 'avg:my_metric{host:$host}',
    vars: { host: 'h1' },
    expected: 'avg:my_metric{host:h1}',
  },
  {
    desc: 'a whole tag',
    input: 'avg:my_metric{$host}',
    vars: { host: 'h1' },
    expected: 'avg:my_metric{host:h1}',
  },
  {
    desc: 'the .value form',
    input: 'avg:my_metric{host:$host.value}',
    vars: { host: 'h1' },
    expected: 'avg:my_metric{host:h1}',
  },
  {
    desc: 'a whole tag given as key:value',
    input: 'avg:m{$env,role:db}',
    vars: { env: 'env:prod' },
    expected: 'avg:m{env:prod,role:db}',
  },
  {
    desc: 'star as a tag value matches everything',
    input: 'avg:m{host:$host}',
    vars: { host: '*' },
    expected: 'avg:m{*}',
  },
  {
    desc: 'star as a whole tag',
    input: 'avg:m{$host} by {host}',
    vars: { host: '*' },
    expected: 'avg:m{*} by {host}',
  },
  { desc: 'negated', input: 'avg:m{!host:$host}', vars: { host: 'h1' }, expected: 'avg:m{!host:h1}' },
  {
    desc: 'several, one unknown left alone',
    input: 'avg:a{host:$host} / avg:b{$env,$other}',
    vars: { host: 'h1', env: 'e' },
    expected: 'avg:a{host:h1} / avg:b{env:e,$other}',
  },
];

describe('substituteTemplateVariables', () => {
  for (const { desc, input, vars, expected } of table) {
    it(`text: ${desc}`, () => expect(substituteTemplateVariables(input, vars)).toBe(expected));
    it(`tree: ${desc}`, () => {
      const parsed = parse(input);
      if (!parsed.ok) throw new Error(parsed.error.message);
      expect(format(substituteTemplateVariables(parsed.value, vars))).toBe(expected);
    });
  }
});
