import { count } from './domain/tally';

/** Shown on stderr: a bar redrawn in place on a terminal, else a plain line every few seconds. */
export class Progress {
  private readonly started = Date.now();
  private lastDrawn = 0;
  private shown = false;
  private lastDone = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit: 'webhooks' | 'bytes',
    private readonly stream: NodeJS.WriteStream,
  ) {}

  update(done: number, force = false): void {
    const now = Date.now();
    const interval = this.stream.isTTY ? 100 : 5_000;
    if (!force && now - this.lastDrawn < interval) return;
    this.lastDrawn = now;
    this.lastDone = done;
    const line = this.line(done, now);
    if (this.stream.isTTY) {
      this.stream.write(`\r${line}\u001b[K`);
      this.shown = true;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** The last state, and the line ended. */
  finish(done: number): void {
    if (done !== this.lastDone) this.update(done, true);
    if (this.shown) this.stream.write('\n');
    this.shown = false;
  }

  private line(done: number, now: number): string {
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = done / seconds;
    const fraction = this.total > 0 ? Math.min(done / this.total, 1) : 1;
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    const amount =
      this.unit === 'bytes' ? `${mebibytes(done)}/${mebibytes(this.total)} MiB` : `${count(done)}/${count(this.total)} webhooks`;
    const speed = this.unit === 'bytes' ? `${mebibytes(rate)} MiB/s` : `${count(rate)}/s`;
    const bar = this.stream.isTTY ? `[${'#'.repeat(Math.round(fraction * 24)).padEnd(24, '.')}] ` : '';
    return `${this.label} ${bar}${(fraction * 100).toFixed(1)}% ${amount}, ${speed}, ETA ${duration(eta)}`;
  }
}

function mebibytes(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const whole = Math.ceil(seconds);
  return whole >= 60 ? `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}
