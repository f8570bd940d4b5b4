import { Injectable, Logger } from '@nestjs/common';
import { AsyncResource } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { AppError } from '../common/errors/app-error';
import { asAppError, isDatabaseUnavailable } from '../common/errors/database-errors';
import { AppConfig } from '../config/app-config';
import type { PipelinedTransaction } from '../database/pipelined-transaction';
import { MetricsService } from '../observability/metrics.service';
import { ExchangeRow, GraphRepository, receiptId } from './graph.repository';
import { ChangeDone, GraphStore } from './graph.store';
import { IdentifierSeen, inEventOrder, isLate } from './domain/event-order';
import { Graph } from './domain/graph';
import { ContactState, identifierAt, latest, Observation, withPrevious } from './domain/observation';
import { GraphReplayService } from './graph-replay.service';
import { contactBookEntries } from './domain/phone-visibility';
import { IDENTIFIER_KINDS, IdentifierKind } from '../identifiers/domain/identifier';

/** One webhook's worth of observations, applied all or nothing. */
export interface IngestItem {
  portfolio: string;
  /** Identifies the webhook across redeliveries (rule 6). */
  receiptKey: string;
  observations: Observation[];
}

export interface IngestOutcome {
  status: 'applied' | 'duplicate';
  /** The contacts the webhook was about, after merges. */
  contactIds: string[];
}

interface Waiting {
  item: IngestItem;
  resolve: (outcome: IngestOutcome) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 500;
const MAX_ATTEMPTS = 5;
/**
 * Items waiting beyond this are refused with 503 (LINK retries): when the database is slower than
 * the webhooks, memory stays bounded and the senders back off instead of timing out.
 */
const MAX_WAITING = 20_000;

/**
 * Applies webhooks to the graph. Webhooks that arrive while a transaction runs wait and go
 * together into the next one (group commit): one transaction of two set-based statements carries
 * every webhook waiting (up to MAX_BATCH), and each caller is answered only after its commit.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly waiting: Waiting[] = [];
  private drains = 0;
  private readonly idle: (() => void)[] = [];
  /**
   * A drain serves every request waiting, not the one that started it: bound here, outside any
   * request, so that what it logs does not carry the first request's id.
   */
  private readonly startDrain = AsyncResource.bind(() => void this.drain());

  constructor(
    private readonly store: GraphStore,
    private readonly writes: GraphRepository,
    private readonly replay: GraphReplayService,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  ingest(item: IngestItem): Promise<IngestOutcome> {
    if (this.waiting.length >= MAX_WAITING) {
      return Promise.reject(AppError.unavailable('Too many events are waiting to be stored; retry later'));
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.metrics.ingestWaiting.set(this.waiting.length);
      if (this.drains < this.config.ingestConcurrency) this.startDrain();
    });
  }

  /**
   * Queues several webhooks together (the events of one Meta POST), with the queue's limits and
   * group commit. They are not one transaction of their own: a batch takes up to MAX_BATCH of
   * whatever waits, so they may share it with other requests' webhooks or split across batches,
   * and a late one is replayed alone after its batch. So some may commit while another fails (a
   * 503): each has its receipt, and the caller's retry of them all applies only what is missing.
   * Each answers its outcome or the error it failed with.
   */
  ingestAll(items: IngestItem[]): Promise<PromiseSettledResult<IngestOutcome>[]> {
    if (this.waiting.length + items.length > MAX_WAITING) {
      return Promise.reject(AppError.unavailable('Too many events are waiting to be stored; retry later'));
    }
    const outcomes = items.map((item) => new Promise<IngestOutcome>((resolve, reject) => this.waiting.push({ item, resolve, reject })));
    this.metrics.ingestWaiting.set(this.waiting.length);
    if (this.drains < this.config.ingestConcurrency) this.startDrain();
    return Promise.allSettled(outcomes);
  }

  /**
   * Applies a batch at once, past the queue (the backfill of archived webhooks): the same
   * transaction, rules, retries and replay of late webhooks as a drained batch. Each item answers
   * its outcome or the error it failed with; a database that cannot be reached fails them all.
   */
  async ingestBatch(items: IngestItem[]): Promise<PromiseSettledResult<IngestOutcome>[]> {
    const settled = new Array<PromiseSettledResult<IngestOutcome>>(items.length);
    const batch = items.map((item, index): Waiting => ({
      item,
      resolve: (value) => (settled[index] = { status: 'fulfilled', value }),
      reject: (reason) => (settled[index] = { status: 'rejected', reason }),
    }));
    await this.runBatch(batch);
    return settled;
  }

  /** Resolves once nothing waits or runs: shutdown waits for it before closing the database. */
  whenIdle(): Promise<void> {
    if (this.drains === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Up to `ingestConcurrency` transactions run at once, each taking what waits when it starts. */
  private async drain(): Promise<void> {
    this.drains++;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        this.metrics.ingestWaiting.set(this.waiting.length);
        await this.runBatch(batch);
      }
    } finally {
      this.drains--;
      if (this.drains === 0 && this.waiting.length === 0) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  /** Applies a batch and answers each caller: a failing batch is tried again webhook by webhook. */
  private async runBatch(batch: Waiting[]): Promise<void> {
    let outcomes: (IngestOutcome | typeof LATE)[];
    try {
      outcomes = await this.applyWithRetry(batch.map((waiting) => waiting.item));
    } catch (error) {
      if (isDatabaseUnavailable(error) || batch.length === 1) {
        batch.forEach((waiting) => waiting.reject(this.toAppError(error)));
        return;
      }
      // One bad webhook must not fail the others: apply each alone.
      for (const waiting of batch) await this.runBatch([waiting]);
      return;
    }
    const late: Waiting[] = [];
    batch.forEach((waiting, index) => {
      const outcome = outcomes[index];
      if (outcome === LATE) late.push(waiting);
      else waiting.resolve(outcome);
    });
    // A late webhook replays its part of the graph alone, after the batch it came in (rule 5).
    for (const waiting of late) await this.runBatch([waiting]);
  }

  /** Another writer (a replica, an admin) may race us for the same identifiers: then read again and redo. */
  private applyWithRetry(items: IngestItem[]): Promise<(IngestOutcome | typeof LATE)[]> {
    return this.store.change((tx) => this.apply(tx, items), { attempts: MAX_ATTEMPTS, bulk: true });
  }

  /**
   * Applies the batch's new webhooks in event-time order. A webhook older than what the graph
   * already holds about its identifiers is left out (its receipt given back) and answered LATE:
   * alone, it replays its part of the graph instead.
   */
  private async apply(tx: PipelinedTransaction, items: IngestItem[]): Promise<ChangeDone<(IngestOutcome | typeof LATE)[]>> {
    const receipts = items.map((item) => ({ portfolio: item.portfolio, key: item.receiptKey }));
    // What each item locks: its observations, and a BSUID change's previous identifiers.
    const locking = items.map((item) => item.observations.flatMap(withPrevious));
    const locked = await this.writes.claimAndLock(tx, receipts, locking.flat());
    // A receipt already there, or claimed by an earlier item of this batch, is a redelivery.
    const fresh = items.map((item) => locked.fresh.delete(receiptId(item.portfolio, item.receiptKey)));
    const seen = seenIn(locked.contacts, locked.latestKeys);
    // A BSUID change is late also when what it moves (the previous identifiers) changed after it.
    const late = locking.map(
      (observations, index) => fresh[index] && observations.some((obs) => isLate(obs, (field, value) => seen(obs.portfolio, field, value))),
    );
    if (items.length === 1 && late[0]) {
      const replayed = await this.replayLate(tx, items[0]);
      if (replayed) return replayed;
      late[0] = false; // a part of the graph that cannot be replayed takes the webhook as it comes
    }

    const graph = new Graph(locked.contacts, randomUUID);
    const exchanges = new Exchanges();
    const touched = items.map((): string[] => []);
    const applying = items.flatMap((item, index) => (fresh[index] && !late[index] ? item.observations.map((obs) => ({ obs, index })) : []));
    const inOrder = inEventOrder(applying.map(({ obs }) => obs));
    const itemOf = new Map(applying.map(({ obs, index }) => [obs, index]));
    for (const obs of inOrder) {
      const applied = graph.apply(obs);
      if (!applied.contact) continue;
      exchanges.record(applied.contact.id, obs);
      touched[itemOf.get(obs) as number].push(applied.contact.id);
    }
    if (late.some(Boolean))
      await this.writes.releaseReceipts(
        tx,
        receipts.filter((_, index) => late[index]),
      );

    // A merged contact keeps its own exchange rows, so that a split gives them back (rule 9).
    const survivorOf = (id: string) => survivor(graph, id);
    const change = {
      ...graph.changes(),
      exchanges: exchanges.rows(survivorOf),
      observations: inOrder,
      // Kept by phone number, from the new webhooks only (DESIGN: phoneVisibleUntil).
      contactBook: contactBookEntries(inOrder, this.config.contactBookSince),
    };
    const result = items.map((_, index): IngestOutcome | typeof LATE => {
      if (late[index]) return LATE;
      if (!fresh[index]) return { status: 'duplicate', contactIds: [] };
      return { status: 'applied', contactIds: [...new Set(touched[index].map(survivorOf))] };
    });
    return { change, result };
  }

  /** A late webhook: its part of the graph applied again in event-time order, written over what it was. */
  private async replayLate(tx: PipelinedTransaction, item: IngestItem): Promise<ChangeDone<IngestOutcome[]> | undefined> {
    const replay = await this.replay.replay(tx, item.portfolio, item.observations);
    if (!replay) return undefined;
    const { replayed, before } = replay;
    const exchanges = new Exchanges();
    item.observations.forEach((obs, index) => {
      const contactId = replayed.contactOf[index];
      if (contactId) exchanges.record(contactId, obs);
    });
    await this.writes.withdrawConflicts(
      tx,
      item.portfolio,
      [...before, ...replayed.contacts.map((contact) => contact.id)],
      replayed.conflicts,
    );
    const change = {
      contacts: replayed.contacts,
      history: replayed.history,
      conflicts: replayed.conflicts,
      exchanges: exchanges.rows((id) => id),
      observations: item.observations,
      contactBook: contactBookEntries(item.observations, this.config.contactBookSince),
    };
    const contactIds = replayed.contactOf.filter((id): id is string => id !== undefined);
    return { change, result: [{ status: 'applied', contactIds: [...new Set(contactIds)] }] };
  }

  private toAppError(error: unknown): unknown {
    const answered = asAppError(error, {
      unavailableMessage: 'The contact book cannot store this event right now; retry later',
      retriesExhausted: true,
    });
    if (answered !== error) this.logger.warn(`database trouble, answering ${(answered as AppError).status}: ${(error as Error).message}`);
    return answered;
  }
}

/** Answered for a webhook that must be applied alone, by replay. */
const LATE = Symbol('late');

/** For an identifier: the order key of the latest logged observation carrying it, and who holds it now. */
function seenIn(contacts: ContactState[], latestKeys: Map<string, string>) {
  const holders = new Map<string, ContactState>();
  for (const contact of contacts) {
    for (const field of IDENTIFIER_KINDS) {
      const value = contact[field];
      if (value !== null) holders.set(identifierAt(contact.portfolio, field, value), contact);
    }
  }
  return (portfolio: string, field: IdentifierKind, value: string): IdentifierSeen => {
    const key = identifierAt(portfolio, field, value);
    const holder = holders.get(key);
    return { logged: latestKeys.get(key), held: holder !== undefined, holderKey: holder?.lastEventKey ?? null };
  };
}

/** Follows merges to the contact that holds a merged one's identifiers now. */
function survivor(graph: Graph, id: string): string {
  let current = graph.get(id);
  for (let hops = 0; current?.mergedInto && hops < 100; hops++) current = graph.get(current.mergedInto) ?? current;
  return current?.id ?? id;
}

/** Exchanges of the batch per (contact, business number), latest time each way. */
class Exchanges {
  private readonly byKey = new Map<
    string,
    { portfolio: string; contactId: string; businessNumber: string; inbound: Date | null; outbound: Date | null }
  >();

  record(contactId: string, obs: Observation): void {
    const businessNumber = obs.evidence.businessNumber;
    if (!businessNumber || (obs.activity !== 'inbound' && obs.activity !== 'outbound')) return;
    const key = `${contactId}\u0000${businessNumber}`;
    const row = this.byKey.get(key) ?? { portfolio: obs.portfolio, contactId, businessNumber, inbound: null, outbound: null };
    if (obs.activity === 'inbound') row.inbound = latest(row.inbound, obs.eventAt);
    if (obs.activity === 'outbound') row.outbound = latest(row.outbound, obs.eventAt);
    this.byKey.set(key, row);
  }

  /** Rows keyed by survivor, so that an exchange of a contact merged later in the batch lands on the right one. */
  rows(survivorOf: (id: string) => string): ExchangeRow[] {
    const merged = new Map<string, ExchangeRow>();
    for (const row of this.byKey.values()) {
      const contactId = survivorOf(row.contactId);
      const key = `${contactId}\u0000${row.businessNumber}`;
      const existing = merged.get(key);
      merged.set(key, {
        portfolio: row.portfolio,
        contactId,
        businessNumber: row.businessNumber,
        lastInboundAt: latest(existing?.lastInboundAt ?? null, row.inbound),
        lastOutboundAt: latest(existing?.lastOutboundAt ?? null, row.outbound),
      });
    }
    return [...merged.values()];
  }
}
