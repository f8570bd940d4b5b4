import { Module } from '@nestjs/common';
import { GraphModule } from '../graph/graph.module';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { ConflictsController } from './conflicts.controller';
import { ConflictsRepository } from './conflicts.repository';
import { ConflictsService } from './conflicts.service';
import { ContactChangesService } from './contact-changes.service';
import { ContactStatsController } from './contact-stats.controller';
import { ContactsDirectoryService } from './contacts-directory.service';
import { ContactsResolveService } from './contacts-resolve.service';
import { ContactsSearchRepository } from './contacts-search.repository';
import { ContactsSearchService } from './contacts-search.service';
import { ContactsController } from './contacts.controller';
import { ContactsRepository } from './contacts.repository';
import { ContactsService } from './contacts.service';
import { GroupsController } from './groups.controller';

/** The contact book as its readers see it: look-up, resolve, search, stats, history, conflicts, and the send pipeline's directory. */
@Module({
  imports: [GraphModule, PortfoliosModule],
  controllers: [ContactsController, ContactStatsController, ConflictsController, GroupsController],
  providers: [
    ContactsRepository,
    ConflictsRepository,
    ContactsSearchRepository,
    ContactsService,
    ContactsDirectoryService,
    ContactsResolveService,
    ContactsSearchService,
    ConflictsService,
    ContactChangesService,
  ],
  exports: [ContactsDirectoryService],
})
export class ContactsModule {}
