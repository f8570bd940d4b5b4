import { applyDecorators, Controller, Delete, Get, Patch, Post, Put, Req, Res } from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiBearerAuth,
  ApiBody,
  ApiExcludeEndpoint,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/api-keys.service';
import { CurrentPrincipal, RequireRole } from '../auth/auth.decorators';
import { PassThroughBody } from '../common/http/pass-through-body';
import { LinkPassThroughService } from './link-pass-through.service';
import {
  ANALYTICS_EXAMPLE,
  MEDIA_FORM_SCHEMA,
  MO_STATUS_EXAMPLE,
  PHONE_NUMBER_EXAMPLE,
  PROFILE_EXAMPLE,
  PROFILE_UPDATE_EXAMPLE,
  RESUMABLE_MEDIA_EXAMPLE,
  TEMPLATE_CREATE_EXAMPLE,
  TEMPLATE_CREATED_EXAMPLE,
  TEMPLATE_LIST_EXAMPLE,
} from './pass-through-examples';

const ACCOUNT = 'platformId/:platformId/platformPartnerId/:platformPartnerId/source/:source';

/** A LINK route passed through: the send pipeline's role, the body unparsed, LINK's answer documented. */
function PassThrough(summary: string, answer: MethodDecorator) {
  return applyDecorators(RequireRole('send'), PassThroughBody(), ApiOperation({ summary: `${summary} (passed through to LINK)` }), answer);
}

/** A path under /link that LINK's document does not list: passed through, left out of the API reference. */
function OtherLinkRoute() {
  return applyDecorators(RequireRole('send'), PassThroughBody(), ApiExcludeEndpoint());
}

/**
 * LINK's API beside POST /messages, passed through (DESIGN: the LINK-compatible proxy): each route
 * of LINK's document is listed for the API reference, and any other path under /link goes through
 * all the same. Handlers hand over to the service, which answers with LINK's own answer.
 */
@ApiTags('LINK pass-through')
@ApiBasicAuth()
@ApiBearerAuth()
@Controller('link')
export class LinkPassThroughController {
  constructor(private readonly passThrough: LinkPassThroughService) {}

  @Post('mo/status')
  @PassThrough('Mark an MO as read, and show a typing indicator', ApiNoContentResponse({ description: 'LINK marked it' }))
  @ApiBody({ schema: { example: MO_STATUS_EXAMPLE } })
  moStatus(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Post('media')
  @PassThrough(
    'Upload media for sending; streamed, never held whole in memory (up to PASS_THROUGH_BODY_LIMIT_BYTES)',
    ApiOkResponse({
      description: "The media's id",
      content: { 'text/plain': { schema: { type: 'string', example: '1037543291543636' } } },
    }),
  )
  @ApiBody({ schema: MEDIA_FORM_SCHEMA })
  media(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Post('media/resumable')
  @PassThrough('Upload media for a template and get its handle; streamed', ApiOkResponse({ schema: { example: RESUMABLE_MEDIA_EXAMPLE } }))
  @ApiBody({ schema: MEDIA_FORM_SCHEMA })
  resumableMedia(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Get(ACCOUNT)
  @PassThrough("The business number's health, tier and quality", ApiOkResponse({ schema: { example: PHONE_NUMBER_EXAMPLE } }))
  phoneNumber(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Get(`${ACCOUNT}/profile`)
  @PassThrough('The business profile', ApiOkResponse({ schema: { example: PROFILE_EXAMPLE } }))
  profile(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Post(`${ACCOUNT}/profile`)
  @PassThrough('Update the business profile', ApiNoContentResponse({ description: 'LINK updated it' }))
  @ApiBody({ schema: { example: PROFILE_UPDATE_EXAMPLE } })
  updateProfile(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Get(`${ACCOUNT}/analytics`)
  @PassThrough('Daily delivery analytics', ApiOkResponse({ schema: { example: ANALYTICS_EXAMPLE } }))
  @ApiQuery({ name: 'startDate', example: '2026-05-31T22:00:00Z' })
  @ApiQuery({ name: 'endDate', example: '2026-06-03T22:00:00Z' })
  analytics(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Get(`${ACCOUNT}/templates`)
  @PassThrough('List templates', ApiOkResponse({ schema: { example: TEMPLATE_LIST_EXAMPLE } }))
  listTemplates(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Put(`${ACCOUNT}/templates`)
  @PassThrough(
    'Create a template; once LINK accepts it the template registry knows it (an authentication template is kept off BSUIDs at once)',
    ApiOkResponse({ schema: { example: TEMPLATE_CREATED_EXAMPLE } }),
  )
  @ApiBody({ schema: { example: TEMPLATE_CREATE_EXAMPLE } })
  createTemplate(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Get(`${ACCOUNT}/templates/:templateId`)
  @PassThrough('Get a template', ApiOkResponse({ schema: { example: TEMPLATE_LIST_EXAMPLE.data[0] } }))
  template(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Post(`${ACCOUNT}/templates/:templateId`)
  @PassThrough(
    'Update a template (category, components); the registry takes the change once LINK accepts it',
    ApiOkResponse({ schema: { example: { success: true } } }),
  )
  @ApiBody({ schema: { example: { category: 'UTILITY', components: TEMPLATE_CREATE_EXAMPLE.components } } })
  updateTemplate(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Delete(`${ACCOUNT}/templates/:templateId/:templateName`)
  @PassThrough('Delete a template; the registry drops it once LINK accepts', ApiOkResponse({ schema: { example: { success: true } } }))
  deleteTemplate(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  // Any other LINK path (LINK may add routes) goes through the same way. One handler per method:
  // Nest's @All() registers its route without the route config @PassThroughBody() sets.
  @Get('*')
  @OtherLinkRoute()
  otherGet(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Post('*')
  @OtherLinkRoute()
  otherPost(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Put('*')
  @OtherLinkRoute()
  otherPut(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Patch('*')
  @OtherLinkRoute()
  otherPatch(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }

  @Delete('*')
  @OtherLinkRoute()
  otherDelete(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.passThrough.forward(principal, request, reply);
  }
}
