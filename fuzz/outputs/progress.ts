/** A one-line progress bar, redrawn in place; only used on a terminal. */
import { withThousands } from '../store/text.js';

/** What the bar shows at one moment. */
export interface ProgressState {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  readonly eventsPerSecond: number;
  /** Since the campaign started. */
  readonly elapsedMs: number;
}

const BAR_WIDTH = 28;

/** `mm:ss`, or `h:mm:ss` from an hour on. */
export function clockTime(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** The time left at the rate so far; unknown until a cycle has finished. */
export function eta(p: ProgressState): string {
  if (p.done >= p.total) return clockTime(0);
  if (p.done === 0) return '--:--';
  return clockTime((p.elapsedMs / p.done) * (p.total - p.done));
}

/** The bar's text (without the terminal's control sequences). */
export function progressLine(p: ProgressState): string {
  const filled = p.total === 0 ? BAR_WIDTH : Math.min(BAR_WIDTH, Math.round((p.done / p.total) * BAR_WIDTH));
  const bar = '#'.repeat(filled) + '.'.repeat(BAR_WIDTH - filled);
  const rate = withThousands(p.eventsPerSecond);
  // Time before the rate: a narrow terminal cuts the end of the line.
  return `[${bar}] ${p.done}/${p.total} cycles  ${p.failed} failed  ${clockTime(p.elapsedMs)} elapsed, ${eta(p)} left  ${rate} events/s`;
}

export class ProgressBar {
  private lastDraw = 0;
  private readonly started: number;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly total: number,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  update(done: number, failed: number, eventsPerSecond: number, force = false): void {
    const now = this.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const text = progressLine({ done, total: this.total, failed, eventsPerSecond, elapsedMs: now - this.started });
    this.stream.write(`\r${text.slice(0, Math.max(20, (this.stream.columns ?? 100) - 1))}\x1b[K`);
  }

  finish(): void {
    this.stream.write('\r\x1b[K');
  }
}
