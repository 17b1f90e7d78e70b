import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The Vitest settings every package shares: TypeScript sources of workspace packages resolved
 * through the `@dd-challenge/source` export condition (no build needed to test), and a JSON
 * report in test-results/ that .ci/run sums into its closing `N passed, M failed` line.
 */
export function packageTestConfig(overrides: ViteUserConfig = {}): ViteUserConfig {
  const base = defineConfig({
    resolve: { conditions: ['@dd-challenge/source', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['@dd-challenge/source', 'node', 'import', 'default'] } },
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
