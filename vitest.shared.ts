import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The Vitest settings every package shares: TypeScript sources of workspace packages resolved
 * through the `@dd-challenge/source` export condition (no build needed to test), and a JSON
 * report in test-results/ that .ci/run sums into its closing `N passed, M failed` line.
 */
export function packageTestConfig(overrides: ViteUserConfig = {}): ViteUserConfig {
  const base = defineConfig({
    // Only the source condition and 'node': Vite adds import/require itself, and Vitest 5 applies
    // these to require() inside externalised CommonJS too, where an 'import' condition would make
    // pg's require('pg-pool') load pg-pool's ESM build ("Class extends value [object Module]").
    resolve: { conditions: ['@dd-challenge/source', 'node'] },
    ssr: { resolve: { conditions: ['@dd-challenge/source', 'node'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters: process.env.CI ? ['default', 'json'] : ['default'],
      outputFile: { json: 'test-results/vitest.json' },
      // Two cores: one worker per core, and real servers in the tests want a little slack.
      maxWorkers: 2,
      testTimeout: 20_000,
      hookTimeout: 30_000,
    },
  });
  return mergeConfig(base, overrides);
}
