import { client } from '@datadog/datadog-api-client';
import { TransportError } from './http.ts';

/** The API's own message out of an ApiException body (`{"errors": [...]}` in Datadog's shape). */
function apiMessage(body: unknown): string {
  const b = body as { errors?: unknown; message?: unknown } | undefined;
  if (Array.isArray(b?.errors)) {
    return b.errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('; ');
  }
  if (typeof b?.message === 'string') return b.message;
  if (typeof body === 'string') return body.slice(0, 300);
  return JSON.stringify(body)?.slice(0, 300) ?? 'no message';
}

function whatToDo(status: number): string {
  if (status === 400)
    return 'the target rejected the definition: fix it in src/definitions/ (run plan to see it)';
  if (status === 401 || status === 403) {
    return 'check DD_API_KEY / DD_APP_KEY and DD_SITE (or SANDBOX_API_KEY / SANDBOX_APP_KEY); the application key needs write scopes';
  }
  if (status === 404) return 'it changed or vanished meanwhile: run plan again';
  if (status === 409) return 'it was changed concurrently: run apply again';
  if (status === 429) return 'rate limited: wait for the reset and run again';
  if (status >= 500) return 'the target failed: run apply again (it is safe to repeat)';
  return 'run plan to see the current state';
}

/** True when the failure is worth another round of plan + apply (the target, not the definition, failed). */
export function isTransient(error: unknown): boolean {
  if (error instanceof TransportError) return true;
  if (error instanceof client.ApiException) return error.code === 429 || error.code >= 500;
  return false;
}

/** One line for a failed operation: what, the API's own words, what to do. */
export function describeError(what: string, error: unknown): string {
  if (error instanceof client.ApiException) {
    return `${what} failed: HTTP ${error.code}: ${apiMessage(error.body)} — ${whatToDo(error.code)}`;
  }
  if (error instanceof TransportError) return `${what}: ${error.message}`;
  return `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
}
