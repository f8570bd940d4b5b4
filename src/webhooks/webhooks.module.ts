import { Module } from '@nestjs/common';
import { GraphModule } from '../graph/graph.module';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { SentMessagesModule } from '../sent-messages/sent-messages.module';
import { MetaWebhooksController } from './meta-webhooks.controller';
import { MetaWebhooksService } from './meta-webhooks.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [GraphModule, PortfoliosModule, SentMessagesModule],
  controllers: [WebhooksController, MetaWebhooksController],
  providers: [WebhooksService, MetaWebhooksService],
  exports: [WebhooksService],
})
export class WebhooksModule {}
