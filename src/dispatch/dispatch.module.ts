import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module';
import { GraphModule } from '../graph/graph.module';
import { LinkModule } from '../link/link.module';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { SentMessagesModule } from '../sent-messages/sent-messages.module';
import { TemplatesModule } from '../templates/templates.module';
import { DedupeController } from './dedupe.controller';
import { DedupeService } from './dedupe.service';
import { LinkPassThroughController } from './link-pass-through.controller';
import { LinkPassThroughService } from './link-pass-through.service';
import { LinkProxyController } from './link-proxy.controller';
import { LinkProxyService } from './link-proxy.service';

/** The send pipeline: dedupe and enforcement in front of LINK's POST /messages, and LINK's other routes passed through. */
@Module({
  imports: [ContactsModule, GraphModule, PortfoliosModule, TemplatesModule, LinkModule, SentMessagesModule],
  // The proxy's controller first: its POST /link/messages is planned, the pass-through takes the rest of /link.
  controllers: [DedupeController, LinkProxyController, LinkPassThroughController],
  providers: [DedupeService, LinkProxyService, LinkPassThroughService],
})
export class DispatchModule {}
