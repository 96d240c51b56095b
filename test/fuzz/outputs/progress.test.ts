/** The progress bar: counts, elapsed time and the time left at the rate so far. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockTime, eta, ProgressBar, progressLine } from '../../../fuzz/outputs/progress.js';

describe('progress bar', () => {
  it('writes clock times as mm:ss, and h:mm:ss from an hour on', () => {
    assert.equal(clockTime(0), '00:00');
    assert.equal(clockTime(61_400), '01:01');
    assert.equal(clockTime(3_600_000 + 5 * 60_000 + 7_000), '1:05:07');
    assert.equal(clockTime(-5), '00:00');
  });

  it('estimates the time left from the time per finished cycle', () => {
    const at = (done: number, elapsedMs: number) => eta({ done, total: 40, failed: 0, eventsPerSecond: 0, elapsedMs });
    assert.equal(at(0, 5_000), '--:--', 'unknown before a cycle finished');
    assert.equal(at(10, 30_000), '01:30', '30 cycles left at 3 s each');
    assert.equal(at(40, 99_000), '00:00');
  });

  it('shows the bar, counts, elapsed, time left and rate, the times ahead of the rate', () => {
    assert.equal(
      progressLine({ done: 7, total: 28, failed: 2, eventsPerSecond: 12345.6, elapsedMs: 14_000 }),
      '[#######.....................] 7/28 cycles  2 failed  00:14 elapsed, 00:42 left  12,346 events/s',
    );
    assert.match(progressLine({ done: 0, total: 0, failed: 0, eventsPerSecond: 0, elapsedMs: 0 }), /^\[#{28}\] 0\/0 cycles/);
  });

  it('redraws in place at most every 100 ms unless forced, cut to the terminal width', () => {
    const written: string[] = [];
    let now = 1_000;
    const stream = { columns: 60, write: (t: string) => written.push(t) } as unknown as NodeJS.WriteStream;
    const bar = new ProgressBar(stream, 10, () => now);
    now += 2_000;
    bar.update(1, 0, 100);
    now += 50;
    bar.update(2, 0, 100);
    bar.update(2, 0, 100, true);
    bar.finish();
    assert.equal(written.length, 3);
    assert.equal(written[0], `\r${'[###.........................] 1/10 cycles  0 failed  00:02 elapsed, 00:18 left'.slice(0, 59)}\x1b[K`);
    assert.equal(written[2], '\r\x1b[K');
  });
});
