import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { SentMessagesModule } from '../sent-messages/sent-messages.module';
import { ConflictsController } from './conflicts.controller';
import { ConflictsService } from './conflicts.service';
import { ContactExchange } from '../graph/contact-exchange.entity';
import { ContactStatsController } from './contact-stats.controller';
import { Contact } from '../graph/contact.entity';
import { ContactsEraseService } from '../graph/contacts-erase.service';
import { ContactsImportService } from '../graph/contacts-import.service';
import { ContactsResolveService } from './contacts-resolve.service';
import { ContactsSearchService } from './contacts-search.service';
import { ContactsSplitService } from '../graph/contacts-split.service';
import { ContactsWriteRepository } from '../graph/graph.repository';
import { ContactsController } from './contacts.controller';
import { ContactsDirectoryService } from './contacts-directory.service';
import { ContactsService } from './contacts.service';
import { GroupsController } from './groups.controller';
import { GraphReplayService } from '../graph/graph-replay.service';
import { IngestService } from '../graph/ingest.service';
import { LinkHistory } from '../graph/link-history.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Contact, ContactExchange, LinkHistory]), PortfoliosModule, SentMessagesModule],
  controllers: [ContactsController, ContactStatsController, ConflictsController, GroupsController],
  providers: [
    ContactsService,
    ContactsDirectoryService,
    ContactsResolveService,
    ContactsSearchService,
    ContactsImportService,
    ContactsSplitService,
    ContactsEraseService,
    ConflictsService,
    ContactsWriteRepository,
    IngestService,
    GraphReplayService,
  ],
  exports: [ContactsService, ContactsDirectoryService, ContactsResolveService, IngestService],
})
export class IdentitiesModule {}
