import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../auth/api-keys.service';
import { CurrentPrincipal, PortfolioScope, RequireRole } from '../auth/auth.decorators';
import { BulkBody } from '../common/http/bulk-body';
import { RowIdPipe } from '../common/http/row-id.pipe';
import { RowPageQueryDto } from '../common/http/row-page-query.dto';
import type { Portfolio } from '../portfolios/portfolio.entity';
import type { ContactActivityView } from './business-number-activity.view';
import { ContactView } from './contact.view';
import type { ErasureReport } from '../graph/erasure.service';
import { ImportReport, ImportService } from '../graph/import.service';
import { ContactChangesService, SplitView } from './contact-changes.service';
import { ContactsResolveService, ResolveResult } from './contacts-resolve.service';
import { ContactPage, ContactsSearchService } from './contacts-search.service';
import { ContactsService, HistoryPage } from './contacts.service';
import { ImportContactsDto } from './dto/import-contacts.dto';
import { ListContactsQueryDto } from './dto/list-contacts-query.dto';
import { ResolveContactsDto } from './dto/resolve-contacts.dto';
import {
  ACTIVITY_EXAMPLE,
  CONTACT_EXAMPLE,
  ERASURE_EXAMPLE,
  HISTORY_EXAMPLE,
  IMPORT_EXAMPLE,
  PAGE_EXAMPLE,
  PHONE_VISIBILITY_DOC,
  RESOLVE_EXAMPLE,
  SPLIT_EXAMPLE,
} from './openapi-examples';

const IDENTIFIER = 'An MSISDN in any accepted form (URL-encoded), a BSUID, a parent BSUID or a contact id';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/portfolios/:portfolio/contacts')
export class ContactsController {
  constructor(
    private readonly contacts: ContactsService,
    private readonly resolver: ContactsResolveService,
    private readonly search: ContactsSearchService,
    private readonly importer: ImportService,
    private readonly changes: ContactChangesService,
  ) {}

  @Get()
  @RequireRole('read')
  @ApiOperation({
    summary: 'List and search contacts, in pages (keyset: pass nextCursor as cursor)',
    description: `needsContactBookEntry=true lists the "send one MT" worklist. ${PHONE_VISIBILITY_DOC}`,
  })
  @ApiOkResponse({ schema: { example: PAGE_EXAMPLE } })
  list(@PortfolioScope() portfolio: Portfolio, @Query() query: ListContactsQueryDto): Promise<ContactPage> {
    return this.search.list(portfolio, query);
  }

  @Post('resolve')
  @HttpCode(HttpStatus.OK)
  @RequireRole('read')
  @BulkBody()
  @ApiOperation({ summary: 'Resolve up to 10,000 identifiers at once, answered in input order; an invalid one never fails the batch' })
  @ApiOkResponse({ schema: { example: RESOLVE_EXAMPLE } })
  resolve(@PortfolioScope() portfolio: Portfolio, @Body() body: ResolveContactsDto): Promise<{ results: ResolveResult[] }> {
    return this.resolver.resolve(portfolio, body.identifiers);
  }

  @Put()
  @RequireRole('admin')
  @BulkBody()
  @ApiOperation({
    summary:
      'Import up to 10,000 links known to a CRM, as claims: they fill gaps, never move or merge what Meta attested; clashes become conflicts',
  })
  @ApiOkResponse({ schema: { example: IMPORT_EXAMPLE } })
  import(
    @PortfolioScope() portfolio: Portfolio,
    @CurrentPrincipal() principal: Principal,
    @Body() body: ImportContactsDto,
  ): Promise<ImportReport> {
    return this.importer.import(portfolio, principal, body.contacts);
  }

  @Get(':identifier')
  @RequireRole('read')
  @ApiOperation({
    summary: `The contact for ${IDENTIFIER} (a merged-away id answers with the surviving contact)`,
    description: PHONE_VISIBILITY_DOC,
  })
  @ApiOkResponse({ schema: { example: CONTACT_EXAMPLE } })
  get(@PortfolioScope() portfolio: Portfolio, @Param('identifier') identifier: string): Promise<ContactView> {
    return this.contacts.getByIdentifier(portfolio, identifier);
  }

  @Get(':identifier/activity')
  @RequireRole('read')
  @ApiOperation({
    summary: 'Care window and phone visibility per business number that exchanged messages with the contact',
    description: `The contact's own careWindowOpenUntil and phoneVisibleUntil take the latest of these. ${PHONE_VISIBILITY_DOC}`,
  })
  @ApiOkResponse({ schema: { example: ACTIVITY_EXAMPLE } })
  activity(@PortfolioScope() portfolio: Portfolio, @Param('identifier') identifier: string): Promise<ContactActivityView> {
    return this.contacts.getActivity(portfolio, identifier);
  }

  @Get(':identifier/history')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Every link change of the contact (and of contacts merged into it) with its evidence, newest first' })
  @ApiOkResponse({ schema: { example: HISTORY_EXAMPLE } })
  history(
    @PortfolioScope() portfolio: Portfolio,
    @Param('identifier') identifier: string,
    @Query() query: RowPageQueryDto,
  ): Promise<HistoryPage> {
    return this.contacts.getHistory(portfolio, identifier, query.limit, query.cursor);
  }

  @Post(':identifier/history/:entry/split')
  @HttpCode(HttpStatus.OK)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Undo a merge from its history row: the merged contact comes back with its identifiers and history' })
  @ApiOkResponse({ schema: { example: SPLIT_EXAMPLE } })
  split(
    @PortfolioScope() portfolio: Portfolio,
    @CurrentPrincipal() principal: Principal,
    @Param('identifier') identifier: string,
    @Param('entry', RowIdPipe) entry: string,
  ): Promise<SplitView> {
    return this.changes.split(portfolio, principal, identifier, entry);
  }

  @Delete(':identifier')
  @RequireRole('admin')
  @ApiOperation({ summary: 'Erase a person: identifiers, timestamps and history of the contact and of every contact merged into it' })
  @ApiOkResponse({ schema: { example: ERASURE_EXAMPLE } })
  erase(
    @PortfolioScope() portfolio: Portfolio,
    @CurrentPrincipal() principal: Principal,
    @Param('identifier') identifier: string,
  ): Promise<ErasureReport> {
    return this.changes.erase(portfolio, principal, identifier);
  }
}
