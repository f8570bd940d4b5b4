import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RetentionService } from './retention.service';
import { SentMessage } from './sent-message.entity';
import { SentMessagesRepository } from './sent-messages.repository';

/** What the proxy sent, for DLR attribution, and the retention of it and of webhook receipts. */
@Module({
  imports: [TypeOrmModule.forFeature([SentMessage])],
  providers: [SentMessagesRepository, RetentionService],
  exports: [SentMessagesRepository],
})
export class SentMessagesModule {}
