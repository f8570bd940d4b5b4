import { Module } from '@nestjs/common';
import { RetentionService } from './retention.service';
import { SentMessagesModule } from './sent-messages.module';

/**
 * The hourly prune of sent messages and webhook receipts: the service runs it, and tools that
 * reuse the webhook path on the same database (the backfill) leave it to the service.
 */
@Module({
  imports: [SentMessagesModule],
  providers: [RetentionService],
})
export class RetentionModule {}
