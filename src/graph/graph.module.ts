import { Module } from '@nestjs/common';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { SentMessagesModule } from '../sent-messages/sent-messages.module';
import { ConflictSettlementService } from './conflict-settlement.service';
import { ErasureRepository } from './erasure.repository';
import { ErasureService } from './erasure.service';
import { GraphReplayService } from './graph-replay.service';
import { GraphEventsService } from './graph-events.service';
import { GraphRepository } from './graph.repository';
import { GraphStore } from './graph.store';
import { ImportService } from './import.service';
import { IngestService } from './ingest.service';
import { LinkConflictsRepository } from './link-conflicts.repository';
import { SplitService } from './split.service';
import { UserProfilesService } from './user-profiles.service';

/**
 * The identity graph's write side: its rules (`domain/`), its store (one unit of work, the SQL
 * behind it) and every way it changes: webhooks, imports, splits, settled conflicts, erasures.
 */
@Module({
  imports: [PortfoliosModule, SentMessagesModule],
  providers: [
    GraphRepository,
    GraphStore,
    GraphEventsService,
    ErasureRepository,
    LinkConflictsRepository,
    IngestService,
    GraphReplayService,
    ImportService,
    SplitService,
    ConflictSettlementService,
    ErasureService,
    UserProfilesService,
  ],
  exports: [IngestService, ImportService, SplitService, ConflictSettlementService, ErasureService, UserProfilesService],
})
export class GraphModule {}
