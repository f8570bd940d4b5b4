import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../auth/api-keys.service';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { ContactsResolveService, GroupContacts } from './contacts-resolve.service';
import { GROUP_EXAMPLE } from './openapi-examples';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('v1/groups/:group/contacts')
export class GroupsController {
  constructor(private readonly resolver: ContactsResolveService) {}

  @Get(':parentBsuid')
  @RequireRole('read')
  @ApiOperation({ summary: 'The contact in each portfolio of the group (among those the key reaches) that shares the parent BSUID' })
  @ApiOkResponse({ schema: { example: GROUP_EXAMPLE } })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('group') group: string,
    @Param('parentBsuid') parentBsuid: string,
  ): Promise<GroupContacts> {
    return this.resolver.inGroup(principal, group, parentBsuid);
  }
}
