import { Global, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';
import { EmbeddedDatabase } from './embedded-database';

/** Holds the embedded database, when there is one, so that it closes after the DataSource. */
export class EmbeddedDatabaseHolder {
  database: EmbeddedDatabase | undefined;
}

@Module({ providers: [EmbeddedDatabaseHolder], exports: [EmbeddedDatabaseHolder] })
class EmbeddedDatabaseHolderModule {}

@Global()
@Module({
  imports: [
    EmbeddedDatabaseHolderModule,
    TypeOrmModule.forRootAsync({
      imports: [EmbeddedDatabaseHolderModule],
      inject: [AppConfig, EmbeddedDatabaseHolder],
      useFactory: async (config: AppConfig, holder: EmbeddedDatabaseHolder) => {
        const retry = { retryAttempts: config.databaseRetryAttempts, retryDelay: 1_000 };
        if (config.databaseUrl) return { ...dataSourceOptions(config.databaseUrl), ...retry };
        holder.database ??= await EmbeddedDatabase.open(config.dataDir);
        new Logger('Database').log(`No DATABASE_URL: using the embedded PostgreSQL in ${holder.database.location}`);
        return { ...dataSourceOptions(undefined, holder.database.pgOptions()), ...retry };
      },
    }),
  ],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    private readonly holder: EmbeddedDatabaseHolder,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.holder.database) return;
    // PGlite must close after the DataSource, or the process stays alive.
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.holder.database.close();
  }
}
