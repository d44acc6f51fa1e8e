import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { startContextOf, startStep } from '../config/start-failure';
import { DatabaseService } from './database.service';
import { Leases } from './leases';

@Module({
  providers: [
    {
      provide: DatabaseService,
      inject: [AppConfig],
      // A store that cannot be opened stops the boot with a line naming why (see main.ts).
      useFactory: (config: AppConfig) =>
        startStep('store', startContextOf(config), async () => {
          const database = new DatabaseService({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
          await database.migrate();
          return database;
        }),
    },
    Leases,
  ],
  exports: [DatabaseService, Leases],
})
export class StorageModule {}
