import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ComposeFile,
  devDependencyLeaks,
  INFRA_DIR,
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

describe('each image starts its app the way the app starts itself', () => {
  const cmdOf = (target: string): string[] => {
    const cmd = lineage(stages, target)[0]?.instructions.find((i) => i.getKeyword() === 'CMD');
    return JSON.parse(cmd?.getArgumentsContent() ?? '[]') as string[];
  };

  it.each(['traced-api', 'metric-emitter', 'traffic'])('%s: CMD runs compiled files its src/ has', (app) => {
    const appDir = join(INFRA_DIR, '..', 'apps', app);
    const cmd = cmdOf(app);
    expect(cmd[0]).toBe('node');
    // Compiled output only: in node_modules Node does not strip types, so workspace packages
    // must be used through their dist/ (the source condition is for development).
    expect(cmd.join(' ')).not.toContain('--conditions');
    const local = cmd.filter((a) => /^(\.\/)?dist\/.+\.js$/.test(a));
    expect(local.length).toBeGreaterThan(0);
    for (const file of local) {
      const source = join(appDir, file.replace(/^(\.\/)?dist\//, 'src/').replace(/\.js$/, '.ts'));
      expect(existsSync(source), `${app}: ${file} comes from ${source}`).toBe(true);
    }
    // Where the app's own start script already runs compiled code, the image runs exactly it
    // (its `exec` aside: that is for the shell pnpm runs the script in).
    const start = (
      JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { scripts?: { start?: string } }
    ).scripts?.start?.replace(/^exec\s+/, '');
    if (start && !start.includes('--conditions')) expect(cmd).toEqual(start.split(/\s+/));
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
