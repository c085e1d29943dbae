/** Times asked for are kept to this grain: a burst of retries due together wakes once. */
const GRAIN_MS = 100;

/**
 * Calls `wake` at every time it was asked for, with one timer for the earliest: how a replica
 * looks for due deliveries when one of its own falls due, rather than polling for them.
 */
export class WakeSchedule {
  /** Ascending, distinct. */
  private readonly times: number[] = [];
  private timer?: NodeJS.Timeout;
  private armedFor = Infinity;
  private stopped = false;

  constructor(private readonly wake: () => void) {}

  at(when: Date | number): void {
    if (this.stopped) return;
    const time = Math.ceil(new Date(when).getTime() / GRAIN_MS) * GRAIN_MS;
    let low = 0;
    let high = this.times.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.times[middle] as number) < time) low = middle + 1;
      else high = middle;
    }
    if (this.times[low] !== time) this.times.splice(low, 0, time);
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.times.length = 0;
  }

  private arm(): void {
    const next = this.times[0];
    if (next === undefined || next >= this.armedFor) return;
    clearTimeout(this.timer);
    this.armedFor = next;
    this.timer = setTimeout(
      () => {
        this.armedFor = Infinity;
        const now = Date.now();
        while (this.times.length > 0 && (this.times[0] as number) <= now) this.times.shift();
        this.wake();
        this.arm();
      },
      Math.max(0, next - Date.now()),
    );
  }
}
