/** An event from DogStatsD (`_e{…}`), in the fields of Datadog's event API. */
export interface IntakeEvent {
  readonly title: string;
  readonly text: string;
  /** UNIX seconds (`d:`), or the arrival time. */
  readonly date_happened: number;
  readonly host: string;
  readonly aggregation_key: string | undefined;
  readonly priority: 'normal' | 'low';
  readonly source_type_name: string | undefined;
  readonly alert_type: 'error' | 'warning' | 'info' | 'success';
  readonly tags: readonly string[];
}

/** A service check from DogStatsD (`_sc|…`). */
export interface ServiceCheck {
  readonly check: string;
  /** 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
  readonly status: 0 | 1 | 2 | 3;
  readonly timestamp: number;
  readonly host_name: string;
  readonly tags: readonly string[];
  readonly message: string | undefined;
}

type Listener<T> = (value: T) => void;

/**
 * Events and service checks as they arrive: the last ones kept (bounded) for inspection, and
 * listeners for the parts that store them (the API's events resource subscribes with onEvent).
 */
export class IntakeBus {
  readonly recentEvents: IntakeEvent[] = [];
  readonly recentServiceChecks: ServiceCheck[] = [];
  /** Latest status per check name and tag set. */
  readonly serviceCheckStatus = new Map<string, ServiceCheck>();
  readonly #eventListeners: Listener<IntakeEvent>[] = [];
  readonly #checkListeners: Listener<ServiceCheck>[] = [];
  readonly #limit: number;

  constructor(limit = 1000) {
    this.#limit = limit;
  }

  /** Calls `fn` for every DogStatsD event from now on. */
  onEvent(fn: Listener<IntakeEvent>): void {
    this.#eventListeners.push(fn);
  }

  /** Calls `fn` for every service check from now on. */
  onServiceCheck(fn: Listener<ServiceCheck>): void {
    this.#checkListeners.push(fn);
  }

  event(e: IntakeEvent): void {
    this.recentEvents.push(e);
    if (this.recentEvents.length > this.#limit) this.recentEvents.shift();
    for (const fn of this.#eventListeners) fn(e);
  }

  serviceCheck(sc: ServiceCheck): void {
    this.recentServiceChecks.push(sc);
    if (this.recentServiceChecks.length > this.#limit) this.recentServiceChecks.shift();
    this.serviceCheckStatus.set(`${sc.check}|${sc.tags.join(',')}`, sc);
    for (const fn of this.#checkListeners) fn(sc);
  }
}
