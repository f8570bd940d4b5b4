import { Module } from '@nestjs/common';
import { IdentitiesModule } from '../identities/identities.module';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [IdentitiesModule, PortfoliosModule],
  controllers: [WebhooksController],
  providers: [WebhooksService],
})
export class WebhooksModule {}
