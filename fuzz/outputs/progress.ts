/** A one-line progress bar, redrawn in place; only used on a terminal. */
export class ProgressBar {
  private lastDraw = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly total: number,
  ) {}

  update(done: number, failed: number, eventsPerSecond: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 28;
    const filled = this.total === 0 ? width : Math.round((done / this.total) * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const text = `[${bar}] ${done}/${this.total} cycles  ${failed} failed  ${Math.round(eventsPerSecond).toLocaleString('en-US')} events/s`;
    this.stream.write(`\r${text.slice(0, Math.max(20, (this.stream.columns ?? 100) - 1))}\x1b[K`);
  }

  finish(): void {
    this.stream.write('\r\x1b[K');
  }
}
