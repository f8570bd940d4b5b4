import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LinkModule } from '../link/link.module';
import { Template } from './template.entity';
import { TemplatesLearningService } from './templates-learning.service';
import { TemplatesLookupService } from './templates-lookup.service';
import { TemplatesSyncService } from './templates-sync.service';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

@Module({
  imports: [TypeOrmModule.forFeature([Template]), LinkModule],
  controllers: [TemplatesController],
  providers: [TemplatesService, TemplatesSyncService, TemplatesLookupService, TemplatesLearningService],
  exports: [TemplatesService, TemplatesLookupService, TemplatesLearningService],
})
export class TemplatesModule {}
