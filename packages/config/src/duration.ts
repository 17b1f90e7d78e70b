const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `45`, `45s`, `1m`, `1500ms`, `1.5s`, `8d` into milliseconds. A bare number means seconds,
 * as the Agent's `min_collection_interval` does. Returns undefined for anything else.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = UNITS[match[2] ?? 's'] ?? 1000;
  const ms = amount * unit;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** Formats milliseconds the way a person would write them: 45s, 1m, 1500ms, 2h, 8d. */
export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
