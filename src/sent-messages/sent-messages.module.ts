import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SentMessage } from './sent-message.entity';
import { SentMessagesRepository } from './sent-messages.repository';

/** What the proxy sent, for DLR attribution; its retention is `RetentionModule`'s. */
@Module({
  imports: [TypeOrmModule.forFeature([SentMessage])],
  providers: [SentMessagesRepository],
  exports: [SentMessagesRepository],
})
export class SentMessagesModule {}
