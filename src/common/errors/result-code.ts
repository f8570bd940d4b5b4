/**
 * Result codes of LINK's ErrorResponse (API document, "Possible resultCodes in ErrorResponse" and
 * "Error codes"), and this service's own for the cases LINK's lists have no code for (1129xx).
 */
export enum ResultCode {
  Unauthorized = 112400,
  NoAccess = 112401,
  BadRequest = 112402,
  NotFound = 112904,
  Conflict = 112909,
  RequestTimeout = 112908,
  PayloadTooLarge = 112913,
  /** The request line and headers are larger than the server reads (431). */
  HeadersTooLarge = 112931,
  TooManyRequests = 112929,
  ServerError = 112500,
  /** This service cannot answer now (the database is unreachable, writers keep racing): retry later (503). */
  ServiceUnavailable = 112903,
  /** LINK's "Request to external entity failed": LINK answered an error, or a body we cannot read (502). */
  UpstreamFailed = 112501,
  /** LINK's "Http connection error towards external entity": LINK unreachable or too slow (504); retry later. */
  UpstreamUnreachable = 112503,
  InvalidPayload = 112505,
  ValidationError = 112506,
}
