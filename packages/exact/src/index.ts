export type {
  EdmType,
  EntityDef,
  FieldSpec,
  FilterValue,
  HttpMethod,
  Input,
  NavSpec,
  RawRecord,
  Row,
  ScalarField,
  ScalarSpec,
} from './catalogue/entity.ts';
export { defineEntity, fieldsOf, type ParsedField, RAW } from './catalogue/entity.ts';
export * from './catalogue/index.ts';
export { DivisionClient, type DivisionOptions, ExactClient, type ExactClientOptions } from './client.ts';
export {
  type ApiErrorCode,
  ExactApiError,
  ExactError,
  ExactInputError,
  ExactNetworkError,
  ExactRateLimitError,
  ExactTokenError,
  ExactWebhookError,
  type RateLimitErrorCode,
  type TokenErrorCode,
  type WebhookErrorCode,
} from './errors.ts';
export type { RetryOptions } from './http/exact-http.ts';
export { type AuthorizeUrlOptions, OAuthClient, type OAuthClientOptions } from './oauth/oauth-client.ts';
export type { TokenSet } from './oauth/token-set.ts';
export { FilterBuilder, type FilterExpr } from './odata/filter.ts';
export { literal } from './odata/literals.ts';
export { type Page, Query } from './odata/query.ts';
export { MemoryRateBudget, type RateBudget } from './rate-limit/rate-budget.ts';
export type { RateLimits } from './rate-limit/rate-governor.ts';
export type { RateState, RateWindow } from './rate-limit/rate-state.ts';
export { isRegion, REGION_HOSTS, type Region, resolveBaseUrl } from './regions.ts';
export type { Clock, Fetch, Sleep, Timer } from './runtime.ts';
export { DELETED_ENTITY_TYPES } from './sync/deleted-entity-types.ts';
export type { DeletedOptions, DeletedRecord, SyncOptions, SyncPage, SyncRow } from './sync/sync-feed.ts';
export { MemoryTokenStore } from './tokens/memory-token-store.ts';
export type { LockedTokens, TokenStore } from './tokens/token-store.ts';
export { ACCOUNT_CODE_WIDTH, padAccountCode } from './values/codes.ts';
export { dutchWallToUtc, utcToDutchWall } from './values/dutch-time.ts';
export { formatDutchLocal, formatExactDate, parseExactDate } from './values/exact-date.ts';
export { parseInt64 } from './values/int64.ts';
export { readRow } from './values/row-reader.ts';
export {
  isWebhookValidationRequest,
  verifyWebhook,
  type WebhookNotification,
  webhookHashCode,
} from './webhooks/signature.ts';
