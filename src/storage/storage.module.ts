import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DatabaseService } from './database.service';
import { Leases } from './leases';

@Global()
@Module({
  providers: [
    {
      provide: DatabaseService,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const database = new DatabaseService({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
        await database.migrate();
        return database;
      },
    },
    Leases,
  ],
  exports: [DatabaseService, Leases],
})
export class StorageModule {}
