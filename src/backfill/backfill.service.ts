import { HttpStatus, Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { compareKeys, orderKey } from '../graph/domain/event-order';
import { IngestItem, IngestService } from '../graph/ingest.service';
import { receiptId } from '../graph/graph.repository';
import { SentMessagesRepository, SentMessageView } from '../sent-messages/sent-messages.repository';
import { AttributedEvent, WebhooksService } from '../webhooks/webhooks.service';
import { readBodies } from './backfill-input';
import { Checkpoint, SequenceDigest } from './domain/checkpoint';
import { ChunkPlanner, CHUNKS_IN_FLIGHT, CommittedPrefix, namedIdentifiers, PrefixCounts, Settled } from './domain/chunk-window';
import { RawBody } from './domain/input-format';
import { Tally } from './domain/tally';
import { Progress } from './progress';

/** One archived webhook, read and attributed, waiting for its place in event-time order. */
export interface Archived {
  item: IngestItem;
  /** The earliest order key of its observations (they share one event time). */
  key: string;
  file: number;
  line: number;
}

/** What the backfill is told about its files, its checkpoint and when to stop. */
export interface BackfillRun {
  files: { path: string; size: number }[];
  chunk: number;
  checkpoint: Checkpoint | undefined;
  /** Called after each committed chunk, with what to save. */
  save: (checkpoint: Omit<Checkpoint, 'version' | 'key'>) => Promise<void>;
  /** Checked between blocks and chunks: true once Ctrl-C asked to stop. */
  stopping: () => boolean;
  stopAfter?: number;
  warn: (message: string) => void;
  progress: NodeJS.WriteStream;
}

/** Bodies parsed and attributed together: one look-up of the sends their DLRs name. */
const READ_BLOCK = 2_000;

/**
 * Applies archived LINK webhooks through the live path: each body is read and attributed by
 * `WebhooksService` exactly as a posted one, the whole archive is put in event-time order, and
 * the sequence goes through `IngestService.ingestBatch` (receipts, locks, rules, replay of late
 * webhooks, retries) a chunk per transaction.
 */
@Injectable()
export class BackfillService {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly ingest: IngestService,
    private readonly sentMessages: SentMessagesRepository,
  ) {}

  /**
   * Reads every file into one sequence in event-time order. Bad bodies are counted invalid,
   * bodies naming nobody ignored, and a webhook met again (same portfolio and receipt) a
   * duplicate, as a redelivery is.
   */
  async read(run: BackfillRun, tally: Tally): Promise<Archived[] | undefined> {
    const archived: Archived[] = [];
    const totalBytes = run.files.reduce((sum, file) => sum + file.size, 0);
    const progress = new Progress('reading ', totalBytes, 'bytes', run.progress);
    let before = 0;
    for (const [index, file] of run.files.entries()) {
      let block: RawBody[] = [];
      for await (const { bodies, bytesRead } of readBodies(file.path)) {
        block.push(...bodies);
        if (block.length >= READ_BLOCK) {
          await this.readBlock(block, index, run, archived, tally);
          block = [];
        }
        progress.update(before + bytesRead);
        if (run.stopping()) return undefined;
      }
      await this.readBlock(block, index, run, archived, tally);
      before += file.size;
    }
    progress.finish(totalBytes);
    archived.sort(inSequence);
    return this.withoutRedeliveries(archived, run, tally);
  }

  /**
   * Applies the sequence from the checkpoint on, a chunk per transaction, saving the checkpoint
   * after each commit. Answers whether it stopped early (Ctrl-C or `stopAfter`).
   */
  async apply(sequence: Archived[], run: BackfillRun, tally: Tally): Promise<boolean> {
    const digest = new SequenceDigest();
    let start = 0;
    const saved = run.checkpoint;
    if (saved && saved.committed <= sequence.length) {
      for (let i = 0; i < saved.committed; i++) digest.add(receiptIdOf(sequence[i]));
      if (digest.value() === saved.digest) {
        start = saved.committed;
        tally.applied += saved.applied;
        tally.duplicate += saved.duplicate;
        tally.failed += saved.failed;
        tally.resumed = saved.applied + saved.duplicate;
      }
    }
    if (saved && start === 0 && saved.committed > 0) {
      run.warn(
        'The archive reads differently from the interrupted run (portfolios or sends changed?): starting over; receipts keep anything from applying twice.',
      );
      return this.apply(sequence, { ...run, checkpoint: undefined }, tally);
    }
    if (start > 0) run.warn(`Resuming after ${start.toLocaleString('en-US')} webhooks committed by an interrupted run`);
    // The checkpoint counts what applying did; duplicates within the archive are counted by each run's reading.
    const counted: PrefixCounts = start > 0 && saved ? { applied: saved.applied, duplicate: saved.duplicate, failed: saved.failed } : ZERO;
    return this.applyFrom(start, counted, digest, sequence, run, tally);
  }

  /**
   * Applies the sequence from `start`, with up to CHUNKS_IN_FLIGHT chunks in flight that name no
   * identifier in common (ChunkPlanner). The checkpoint claims the committed prefix, whichever
   * chunk commits first. A stop hands out no new webhooks, only the ones held back, so that
   * what was applied ends as a prefix.
   */
  private async applyFrom(
    start: number,
    counted: PrefixCounts,
    digest: SequenceDigest,
    sequence: Archived[],
    run: BackfillRun,
    tally: Tally,
  ): Promise<boolean> {
    const progress = new Progress('applying', sequence.length, 'webhooks', run.progress);
    const planner = new ChunkPlanner(sequence.length, start, run.chunk, (position) =>
      namedIdentifiers(sequence[position].item.observations),
    );
    const prefix = new CommittedPrefix(sequence.length, start);
    const claimed: PrefixCounts = { ...counted };
    let saving = Promise.resolve();
    /** A chunk committed: once the prefix grows, the checkpoint claims it, one save after another. */
    const committed = (positions: number[], outcomes: Settled[]) => {
      const grown = prefix.finish(positions, outcomes);
      if (grown.to === grown.from) return Promise.resolve();
      for (let position = grown.from; position < grown.to; position++) digest.add(receiptIdOf(sequence[position]));
      claimed.applied += grown.counts.applied;
      claimed.duplicate += grown.counts.duplicate;
      claimed.failed += grown.counts.failed;
      const checkpoint = { committed: prefix.committed, digest: digest.value(), ...claimed };
      saving = saving.then(() => run.save(checkpoint));
      progress.update(prefix.committed);
      return saving;
    };

    const inFlight = new Set<Promise<void>>();
    let chunks = 0;
    let stopping = false;
    let failure: { error: unknown } | undefined;
    for (;;) {
      while (!failure && inFlight.size < CHUNKS_IN_FLIGHT) {
        stopping ||= run.stopping() || (run.stopAfter !== undefined && chunks >= run.stopAfter);
        const planned = planner.take(stopping);
        if (!planned) break;
        const chunk = planned.positions.map((position) => sequence[position]);
        const running: Promise<void> = this.applyChunk(chunk, run, tally)
          .then((outcomes) => committed(planned.positions, outcomes))
          .catch((error: unknown) => void (failure ??= { error }))
          .finally(() => {
            planner.release(planned);
            inFlight.delete(running);
          });
        inFlight.add(running);
        chunks++;
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
    }
    await saving;
    if (failure) throw failure.error;
    progress.finish(prefix.committed);
    return prefix.committed < sequence.length;
  }

  /** One chunk in one transaction (retried as the live path retries); answers what became of each webhook. */
  private async applyChunk(chunk: Archived[], run: BackfillRun, tally: Tally): Promise<Settled[]> {
    const outcomes = await this.ingest.ingestBatch(chunk.map((archived) => archived.item));
    // A database that cannot take the chunk stops the run before anything of it is counted.
    const unavailable = outcomes.find((outcome) => outcome.status === 'rejected' && isUnavailable(outcome.reason));
    if (unavailable) throw (unavailable as PromiseRejectedResult).reason;
    return outcomes.map((outcome, index): Settled => {
      if (outcome.status === 'fulfilled') {
        tally[outcome.value.status]++;
        return outcome.value.status;
      }
      return this.rejected(outcome.reason, run, chunk[index], tally);
    });
  }

  /** A webhook the rules refused is invalid; any other failure is counted failed. */
  private rejected(reason: unknown, run: BackfillRun, archived: Archived, tally: Tally): Settled {
    const where = { file: run.files[archived.file].path, line: archived.line };
    if (reason instanceof AppError && reason.status < HttpStatus.INTERNAL_SERVER_ERROR) {
      tally.reject('invalid', where, describe(reason));
      return 'other';
    }
    tally.reject('failed', where, reason instanceof Error ? reason.message : String(reason));
    return 'failed';
  }

  private async readBlock(block: RawBody[], file: number, run: BackfillRun, archived: Archived[], tally: Tally): Promise<void> {
    const where = (body: RawBody) => ({ file: run.files[file].path, line: body.line });
    const parsed: { body: RawBody; value: Record<string, unknown>; kind: 'mo' | 'dlr' }[] = [];
    for (const body of block) {
      if (body.error !== undefined || body.text === undefined) {
        tally.reject('invalid', where(body), body.error ?? 'no body');
        continue;
      }
      const value = parseBody(body.text);
      if (typeof value === 'string') tally.reject('invalid', where(body), value);
      else parsed.push({ body, value, kind: 'resultCode' in value ? 'dlr' : 'mo' });
    }
    const dlrIds = parsed.flatMap(({ value, kind }) => (kind === 'dlr' && typeof value.messageId === 'string' ? [value.messageId] : []));
    const sent = await this.sentMessages.findMany(dlrIds);
    const findSent = (messageId: string) => Promise.resolve<SentMessageView | undefined>(sent.get(messageId));
    for (const { body, value, kind } of parsed) {
      try {
        const attributed: AttributedEvent =
          kind === 'dlr' ? await this.webhooks.attributeDlr(value, findSent) : await this.webhooks.attributeMo(value);
        const event = attributed.read();
        if (event.observations.length === 0) {
          tally.ignored++;
          continue;
        }
        const key = event.observations.map(orderKey).reduce((a, b) => (compareKeys(a, b) <= 0 ? a : b));
        const item = { portfolio: attributed.portfolio, receiptKey: event.receiptKey, observations: event.observations };
        archived.push({ item, key, file, line: body.line });
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= HttpStatus.INTERNAL_SERVER_ERROR) throw error;
        tally.reject('invalid', where(body), describe(error));
      }
    }
  }

  /** A webhook met again later in the sequence counts once (rule 6), as a redelivery does. */
  private withoutRedeliveries(sorted: Archived[], run: BackfillRun, tally: Tally): Archived[] {
    const seen = new Map<string, Set<string>>();
    return sorted.filter((archived) => {
      const { portfolio, receiptKey } = archived.item;
      let keys = seen.get(portfolio);
      if (!keys) seen.set(portfolio, (keys = new Set()));
      if (!keys.has(receiptKey)) return keys.add(receiptKey);
      tally.duplicate++;
      return false;
    });
  }
}

const ZERO: PrefixCounts = { applied: 0, duplicate: 0, failed: 0 };

function isUnavailable(reason: unknown): boolean {
  return reason instanceof AppError && reason.status === HttpStatus.SERVICE_UNAVAILABLE;
}

/** Event-time order, then the receipt: an order that no file's order or name changes. */
function inSequence(a: Archived, b: Archived): number {
  return compareKeys(a.key, b.key) || compareKeys(a.item.portfolio, b.item.portfolio) || compareKeys(a.item.receiptKey, b.item.receiptKey);
}

function receiptIdOf(archived: Archived): string {
  return receiptId(archived.item.portfolio, archived.item.receiptKey);
}

/** One body: a JSON object, or the reason it is none. */
function parseBody(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'not a JSON object: one body is one MO or DLR (one callback relates to one message)';
  }
  return value as Record<string, unknown>;
}

/** An AppError as one line: its fields at fault, or its message. */
function describe(error: AppError): string {
  return error.fields.length > 0 ? error.fields.map((field) => `${field.field}: ${field.message}`).join('; ') : error.message;
}
