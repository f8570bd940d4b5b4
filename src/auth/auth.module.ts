import { Global, Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysService } from './api-keys.service';
import { KeyController } from './key.controller';
import { rateLimitOptions, RateLimitGuard } from './rate-limit.guard';
import { WebhookSourceGuard } from './webhook-source.guard';

@Global()
@Module({
  imports: [
    PortfoliosModule,
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, Reflector],
      useFactory: (config: AppConfig, reflector: Reflector) => rateLimitOptions(config.rateLimit, reflector),
    }),
  ],
  controllers: [KeyController],
  // Global guards run in this order: a webhook's source address, then the key, then the rate limit (per key).
  providers: [
    ApiKeysService,
    { provide: APP_GUARD, useClass: WebhookSourceGuard },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
  exports: [ApiKeysService],
})
export class AuthModule {}
