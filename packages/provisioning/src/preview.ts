import type { Target } from '@dd-challenge/config';
import type { Definition } from './definitions/types.ts';
import type { painter } from './render.ts';

export interface PreviewResult {
  readonly calendar: unknown;
  readonly backtest: unknown;
}

/** Sandbox only: the downtime calendar of the next 7 days and a backtest of the monitor. */
export async function preview(target: Target, desired: readonly Definition[]): Promise<PreviewResult> {
  void desired;
  void target;
  throw new Error('preview is not available yet');
}

export function renderPreview(result: PreviewResult, paint: ReturnType<typeof painter>): string {
  void paint;
  return `${JSON.stringify(result, null, 2)}\n`;
}
