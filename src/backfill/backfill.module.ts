import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { GraphModule } from '../graph/graph.module';
import { ObservabilityModule } from '../observability/observability.module';
import { SentMessagesModule } from '../sent-messages/sent-messages.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { BackfillService } from './backfill.service';

/**
 * The webhook path and the graph on the service's database, without what the service runs
 * beside them: no HTTP server, no retention prune (the running service does it).
 */
@Module({})
export class BackfillModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: BackfillModule,
      imports: [AppConfigModule.forRoot(config), ObservabilityModule, DatabaseModule, GraphModule, SentMessagesModule, WebhooksModule],
      providers: [BackfillService],
    };
  }
}
