import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PipelinedTransaction } from '../database/pipelined-transaction';
import type { IdentifierKind } from '../identifiers/domain/identifier';
import { Graph } from './domain/graph';
import { GraphEventsService } from './graph-events.service';
import { GraphChange, GraphRepository } from './graph.repository';

/** What a change answers: the rows to write, and what its caller gets back. */
export interface ChangeDone<T> {
  change: GraphChange;
  result: T;
}

export interface ChangeOptions {
  /** How many times a change raced by another writer is tried in all. */
  attempts?: number;
  /** Many changes at once (a batch of webhooks, an import): logged as one line of counts, not a line per event. */
  bulk?: boolean;
}

/**
 * The one unit of work of the identity graph: a webhook batch, an import, a split, a settled
 * conflict and an erasure all change the graph through `change`. Each is all or nothing, is run
 * again from the start when another writer raced it, and is reported as graph events only once
 * it is committed.
 */
@Injectable()
export class GraphStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: GraphRepository,
    private readonly events: GraphEventsService,
  ) {}

  /**
   * Runs `work` in a transaction: it locks what it needs (`lockGraph`, or the repository's
   * webhook path), applies the change and answers the rows to write, which go in one statement
   * together with the COMMIT.
   */
  async change<T>(work: (tx: PipelinedTransaction) => Promise<ChangeDone<T>>, options: ChangeOptions = {}): Promise<T> {
    const done = await PipelinedTransaction.runRetrying(
      this.dataSource,
      async (tx) => {
        const answer = await work(tx);
        return { ...answer, eventCounts: await this.repository.writeAndCommit(tx, answer.change) };
      },
      options.attempts,
    );
    this.events.committed(done.change.history, options.bulk);
    this.events.identityEvents(done.eventCounts);
    if (done.change.erased) this.events.erased(done.change.erased.portfolio, done.change.erased.contactIds);
    return done.result;
  }

  /** The contacts with these ids and those holding these identifiers, locked, as a graph to change. */
  async lockGraph(tx: PipelinedTransaction, portfolio: string, ids: string[], values: Record<IdentifierKind, string[]>): Promise<Graph> {
    return new Graph(await this.repository.lock(tx, portfolio, ids, values), randomUUID);
  }
}
