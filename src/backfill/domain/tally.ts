/** What a backfill did with each webhook, and how it ends. */

/** A body that was not applied, and where it is. */
export interface Rejected {
  file: string;
  line: number;
  reason: string;
}

/** How many rejected bodies the summary lists; the rest are counted. */
export const LISTED = 50;

/**
 * Exit codes: 0 when every webhook was applied, a duplicate or ignored; 2 when some were invalid;
 * 1 when some failed to apply or the run stopped on an error; 130 after Ctrl-C; 64 on bad usage.
 */
export const EXIT = { ok: 0, failed: 1, invalid: 2, usage: 64, interrupted: 130 } as const;

export class Tally {
  applied = 0;
  duplicate = 0;
  ignored = 0;
  invalid = 0;
  failed = 0;
  /** Webhooks applied or found duplicate by an earlier, interrupted run of the same files. */
  resumed = 0;
  readonly rejected: Rejected[] = [];

  reject(kind: 'invalid' | 'failed', where: Omit<Rejected, 'reason'>, reason: string): void {
    this[kind]++;
    if (this.rejected.length < LISTED) this.rejected.push({ ...where, reason: kind === 'failed' ? `failed: ${reason}` : reason });
  }

  get total(): number {
    return this.applied + this.duplicate + this.ignored + this.invalid + this.failed;
  }

  exitCode(interrupted: boolean): number {
    if (interrupted) return EXIT.interrupted;
    if (this.failed > 0) return EXIT.failed;
    return this.invalid > 0 ? EXIT.invalid : EXIT.ok;
  }

  /** The summary a person reads at the end (or after Ctrl-C). */
  summary(elapsedMs: number, interrupted: boolean): string[] {
    const seconds = elapsedMs / 1000;
    const rate = seconds > 0 ? Math.round(this.total / seconds) : 0;
    const lines = [
      `${interrupted ? 'Backfill interrupted' : 'Backfill done'}: ${count(this.total)} webhooks in ${seconds.toFixed(1)} s (${count(rate)}/s)`,
      `  applied    ${count(this.applied)}`,
      `  duplicate  ${count(this.duplicate)}`,
      `  ignored    ${count(this.ignored)}  (name nobody)`,
      `  invalid    ${count(this.invalid)}`,
    ];
    if (this.failed > 0) lines.push(`  failed     ${count(this.failed)}  (not applied; run again to retry them)`);
    if (this.resumed > 0)
      lines.push(`  (${count(this.resumed)} of the applied and duplicate were committed by the interrupted run resumed here)`);
    const listed = [...this.rejected].sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
    for (const { file, line, reason } of listed) lines.push(`  ${file}:${line}: ${reason}`);
    const unlisted = this.invalid + this.failed - this.rejected.length;
    if (unlisted > 0) lines.push(`  … and ${count(unlisted)} more`);
    return lines;
  }
}

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
