import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LinkModule } from '../dispatch/link.module';
import { Template } from './template.entity';
import { TemplatesSyncService } from './templates-sync.service';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

@Module({
  imports: [TypeOrmModule.forFeature([Template]), LinkModule],
  controllers: [TemplatesController],
  providers: [TemplatesService, TemplatesSyncService],
  exports: [TemplatesService],
})
export class TemplatesModule {}
