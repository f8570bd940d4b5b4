import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig, loadAppConfig } from './app-config';

@Global()
@Module({
  // ConfigModule only loads `.env` into the environment; AppConfig is the one validated view of it.
  imports: [ConfigModule.forRoot({ cache: true })],
  providers: [{ provide: AppConfig, useFactory: () => loadAppConfig(process.env) }],
  exports: [AppConfig],
})
export class AppConfigModule {}
