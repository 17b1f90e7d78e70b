/** A listener the sandbox opened, for the startup banner and /sandbox/intake. */
export interface Listener {
  readonly name: string;
  readonly protocol: 'udp' | 'http';
  readonly address: string;
}

/** Intake counters, shown by /sandbox/intake and the console's intake page. */
export class IntakeStats {
  packets = 0;
  bytes = 0;
  lines = 0;
  /** Metric lines accepted (a multi-value line counts once). */
  metricLines = 0;
  metricSamples = 0;
  events = 0;
  serviceChecks = 0;
  /** Datagrams the kernel dropped on the DogStatsD UDP socket (its buffer full), when known. */
  udpKernelDrops: () => number | undefined = () => undefined;
  traceRequests = 0;
  traces = 0;
  spans = 0;
  seriesRequests = 0;
  seriesPoints = 0;
  readonly errors = new Map<string, number>();
  readonly listeners: Listener[] = [];

  /** Counts one rejected input under `reason`. */
  error(reason: string): void {
    this.errors.set(reason, (this.errors.get(reason) ?? 0) + 1);
  }

  /** Total rejected inputs. */
  get errorCount(): number {
    let n = 0;
    for (const v of this.errors.values()) n += v;
    return n;
  }

  toJSON() {
    return {
      dogstatsd: {
        packets: this.packets,
        bytes: this.bytes,
        lines: this.lines,
        metric_lines: this.metricLines,
        metric_samples: this.metricSamples,
        events: this.events,
        service_checks: this.serviceChecks,
        udp_kernel_drops: this.udpKernelDrops() ?? null,
      },
      traces: { requests: this.traceRequests, traces: this.traces, spans: this.spans },
      series: { requests: this.seriesRequests, points: this.seriesPoints },
      errors: Object.fromEntries([...this.errors].sort((a, b) => b[1] - a[1])),
      error_count: this.errorCount,
      listeners: this.listeners,
    };
  }
}
