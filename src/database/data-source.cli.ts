import { DataSource } from 'typeorm';
import { bootConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';

/**
 * For the TypeORM CLI (`npm run migration:generate|run`): the app's configuration and data-source
 * options, PostgreSQL only. The CLI awaits an exported promise.
 */
export default bootConfig().then((config) => {
  if (!config.databaseUrl) throw new Error('The migration CLI needs DATABASE_URL');
  return new DataSource(dataSourceOptions(config.databaseUrl));
});
