/** Datadog's timestamp format: microseconds and an explicit +00:00 offset. */
export function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}
