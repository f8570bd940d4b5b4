import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RetentionService } from './retention.service';
import { SentMessage } from './sent-message.entity';
import { SentMessagesService } from './sent-messages.service';

/** What the proxy sent, for DLR attribution, and the retention of it and of webhook receipts. */
@Module({
  imports: [TypeOrmModule.forFeature([SentMessage])],
  providers: [SentMessagesService, RetentionService],
  exports: [SentMessagesService],
})
export class SentMessagesModule {}
