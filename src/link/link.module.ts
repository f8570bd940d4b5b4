import { Module } from '@nestjs/common';
import { LinkClient } from './link.client';

/** The client of LINK's API on its own, so that the template registry and the send pipeline can both use it. */
@Module({
  providers: [LinkClient],
  exports: [LinkClient],
})
export class LinkModule {}
