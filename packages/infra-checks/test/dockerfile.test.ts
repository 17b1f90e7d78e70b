import { describe, expect, it } from 'vitest';
import {
  type ComposeFile,
  devDependencyLeaks,
  lineage,
  readInfraText,
  readInfraYaml,
  runtimeUser,
  stagesOf,
  unpinnedBases,
} from '../src/index.ts';

const stages = stagesOf(readInfraText('Dockerfile'));
const compose = readInfraYaml('compose.yaml') as ComposeFile;
const targets = Object.values(compose.services ?? {})
  .map((s) => (s.build as { target?: string } | undefined)?.target)
  .filter((t): t is string => t !== undefined);

describe('infra/Dockerfile', () => {
  it('builds every target compose.yaml asks for', () => {
    expect(targets.sort()).toEqual(['metric-emitter', 'traced-api', 'traffic']);
    for (const target of targets) expect(lineage(stages, target).length, target).toBeGreaterThan(0);
  });

  it('starts from a Node 24 base pinned to a full version', () => {
    expect(unpinnedBases(stages)).toEqual([]);
    const bases = new Set(stages.map((s) => s.image).filter((i) => !stages.some((s) => s.name === i)));
    expect([...bases]).toEqual([expect.stringMatching(/^node:24\.\d+\.\d+-/)]);
  });

  it('runs every target as a non-root user', () => {
    for (const target of targets) expect(runtimeUser(stages, target), target).toMatch(/^(?!root$|0$)\S+$/);
  });

  it('puts no dev dependency in a target image: only `pnpm deploy --prod` outputs are copied in', () => {
    for (const target of targets) expect(devDependencyLeaks(stages, target), target).toEqual([]);
  });

  it('installs pnpm 12.4.2 with npm in the build stage and loads dd-trace by a start flag', () => {
    const build = stages.find((s) => s.name === 'build');
    const runs = build?.instructions
      .filter((i) => i.getKeyword() === 'RUN')
      .map((i) => i.getArgumentsContent());
    expect(runs).toContainEqual(expect.stringMatching(/npm install --global .*pnpm@12\.4\.2/));
    const cmd = lineage(stages, 'traced-api')[0]?.instructions.find((i) => i.getKeyword() === 'CMD');
    expect(cmd?.getArgumentsContent()).toContain('"--import", "dd-trace/initialize.mjs"');
  });
});

describe('the Dockerfile rules catch what they are for', () => {
  const bad = stagesOf(`FROM node:24 AS build
RUN pnpm install
FROM node:latest AS app
COPY --from=build /repo /app
RUN npm install
CMD ["node", "main.js"]
`);

  it('flags an unpinned base, a root user and dev dependencies', () => {
    expect(unpinnedBases(bad)).toEqual(['node:24', 'node:latest']);
    expect(runtimeUser(bad, 'app')).toBe('root');
    expect(devDependencyLeaks(bad, 'app')).toEqual([
      'stage app: COPY --from=build /repo is not a `pnpm deploy --prod` output',
      'stage app: "npm install" installs without a production flag',
    ]);
  });
});
