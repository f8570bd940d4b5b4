import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DispatchModule } from './dispatch/dispatch.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { ContactsModule } from './contacts/contacts.module';
import { loggingModule } from './observability/logging';
import { ObservabilityModule } from './observability/observability.module';
import { PortfoliosModule } from './portfolios/portfolios.module';
import { RetentionModule } from './sent-messages/retention.module';
import { TemplatesModule } from './templates/templates.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    loggingModule(),
    ObservabilityModule,
    DatabaseModule,
    AuthModule,
    PortfoliosModule,
    ContactsModule,
    TemplatesModule,
    DispatchModule,
    WebhooksModule,
    RetentionModule,
    EventsModule,
    HealthModule,
  ],
})
export class AppModule {
  /** The app on the configuration `main.ts` (or a test) read at boot. */
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AppModule, imports: [AppConfigModule.forRoot(config)] };
  }
}
