/** What /sandbox/checks shows per check instance. */
export interface CheckStatus {
  readonly name: string;
  readonly intervalSeconds: number;
  lastRun: string | undefined;
  status: 'ok' | 'error' | 'pending';
  message: string;
  samples: number;
}
