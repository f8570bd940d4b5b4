import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { ContactExchange } from './contact-exchange.entity';
import { Contact } from './contact.entity';
import { ContactsWriteRepository } from './contacts-write.repository';
import { ContactsController } from './contacts.controller';
import { ContactsService } from './contacts.service';
import { IngestService } from './ingest.service';
import { LinkHistory } from './link-history.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Contact, ContactExchange, LinkHistory]), PortfoliosModule],
  controllers: [ContactsController],
  providers: [ContactsService, ContactsWriteRepository, IngestService],
  exports: [ContactsService, IngestService],
})
export class IdentitiesModule {}
