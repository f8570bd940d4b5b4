import { DataSource } from 'typeorm';
import { loadAppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';

/** For the TypeORM CLI (`npm run migration:generate`): PostgreSQL only, from DATABASE_URL. */
const config = loadAppConfig(process.env);
if (!config.databaseUrl) throw new Error('The migration CLI needs DATABASE_URL');
export default new DataSource(dataSourceOptions(config.databaseUrl));
