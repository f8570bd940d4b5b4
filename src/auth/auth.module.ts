import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysService } from './api-keys.service';

@Global()
@Module({
  imports: [PortfoliosModule],
  providers: [ApiKeysService, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [ApiKeysService],
})
export class AuthModule {}
