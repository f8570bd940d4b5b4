import { Module } from '@nestjs/common';
import { GraphModule } from '../graph/graph.module';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { SentMessagesModule } from '../sent-messages/sent-messages.module';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [GraphModule, PortfoliosModule, SentMessagesModule],
  controllers: [WebhooksController],
  providers: [WebhooksService],
  exports: [WebhooksService],
})
export class WebhooksModule {}
