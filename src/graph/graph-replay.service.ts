import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ConcurrentChangeError } from '../common/errors/database-errors';
import type { PipelinedTransaction } from '../database/pipelined-transaction';
import { GraphRepository } from './graph.repository';
import { isTimeOrdered } from './domain/event-order';
import { Observation } from './domain/observation';
import { replayComponent, Replayed } from './domain/replay';
import { IDENTIFIER_KINDS, IdentifierKind } from '../identifiers/domain/identifier';

/**
 * Past this many logged observations a part of the graph is not replayed: one person's webhooks
 * never come near it, and a component that large points at a shared identifier (a test number
 * used by many), where replaying would lock half the portfolio.
 */
const MAX_COMPONENT = 5_000;
/** Rounds of reading the log and locking its contacts before the transaction starts again. */
const MAX_ROUNDS = 3;

/**
 * Rule 5 for late webhooks: loads the part of the graph a late observation belongs to (its log
 * and its contacts, locked) and replays it in event-time order. Parts that cannot be replayed
 * (contacts from before the log, or corrected by an admin) answer undefined: the webhook is
 * then applied as it comes, as before the log existed.
 */
@Injectable()
export class GraphReplayService {
  private readonly logger = new Logger(GraphReplayService.name);

  constructor(private readonly writes: GraphRepository) {}

  async replay(
    tx: PipelinedTransaction,
    portfolio: string,
    arriving: Observation[],
  ): Promise<{ replayed: Replayed; before: string[] } | undefined> {
    const loaded = await this.loadLocked(tx, portfolio, arriving);
    if (!loaded) return undefined;
    const { logged, current, values } = loaded;
    // Every identifier the contacts hold must come from the log, or the replay would drop it.
    const explained = current.every(
      (contact) =>
        contact.hasFullLog !== false &&
        IDENTIFIER_KINDS.every((field) => contact[field] === null || values[field].includes(contact[field])),
    );
    if (!explained) {
      this.logger.log(
        `late webhook in ${portfolio} applied as it came: its contacts predate the log or were changed by an import or an admin`,
      );
      return undefined;
    }
    const replayed = replayComponent({ current, logged, arriving, newId: randomUUID });
    this.logger.log(
      `late webhook in ${portfolio}: replayed ${logged.length + arriving.length} observations over ${current.length} contacts in event-time order`,
    );
    return { replayed, before: current.map((contact) => contact.id) };
  }

  /**
   * The component's log and its contacts, locked. The log is read again once the contacts are
   * locked: a writer that committed in between (a merge on another replica) may have joined more
   * to it, whose contacts must be locked too. Once nothing new joins, nobody else can change it.
   */
  private async loadLocked(tx: PipelinedTransaction, portfolio: string, arriving: Observation[]) {
    const seeds = arriving.filter(isTimeOrdered);
    let logged = await this.writes.loggedComponent(tx, portfolio, seeds, MAX_COMPONENT);
    for (let round = 0; logged && round < MAX_ROUNDS; round++) {
      const values = identifiersOf([...logged, ...arriving]);
      const current = await this.writes.lock(tx, portfolio, [], values);
      const again: Observation[] | undefined = await this.writes.loggedComponent(tx, portfolio, seeds, MAX_COMPONENT);
      if (again?.length === logged.length) return { logged, current, values };
      logged = again;
    }
    if (!logged) {
      this.logger.warn(
        `late webhook in ${portfolio} applied as it came: its part of the graph has more than ${MAX_COMPONENT} observations`,
      );
      return undefined;
    }
    throw new ConcurrentChangeError();
  }
}

function identifiersOf(observations: Observation[]): Record<IdentifierKind, string[]> {
  const sets: Record<IdentifierKind, Set<string>> = { msisdn: new Set(), bsuid: new Set(), parentBsuid: new Set() };
  for (const obs of observations) {
    for (const field of IDENTIFIER_KINDS) if (obs[field] !== undefined) sets[field].add(obs[field]);
    // A BSUID change's previous identifiers are its part of the graph too: their contact is locked and replayed.
    if (obs.change) sets.bsuid.add(obs.change.previousBsuid);
    if (obs.change?.previousParentBsuid) sets.parentBsuid.add(obs.change.previousParentBsuid);
    if (obs.change?.previousMsisdn) sets.msisdn.add(obs.change.previousMsisdn);
  }
  return { msisdn: [...sets.msisdn], bsuid: [...sets.bsuid], parentBsuid: [...sets.parentBsuid] };
}
