import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module';
import { GraphModule } from '../graph/graph.module';
import { LinkModule } from '../link/link.module';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { SentMessagesModule } from '../sent-messages/sent-messages.module';
import { TemplatesModule } from '../templates/templates.module';
import { DedupeController } from './dedupe.controller';
import { DedupeService } from './dedupe.service';
import { LinkProxyController } from './link-proxy.controller';
import { LinkProxyService } from './link-proxy.service';

/** The send pipeline: dedupe and enforcement in front of LINK's POST /messages. */
@Module({
  imports: [ContactsModule, GraphModule, PortfoliosModule, TemplatesModule, LinkModule, SentMessagesModule],
  controllers: [DedupeController, LinkProxyController],
  providers: [DedupeService, LinkProxyService],
})
export class DispatchModule {}
