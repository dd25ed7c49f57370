/**
 * Every error class of the package, in one place: what a delivery attempt
 * throws (WebhookDeliveryError and its subclasses), what the dispatcher
 * refuses (DispatcherClosedError), what the connect-time address check
 * refuses (BlockedAddressError), and what the SQLite store refuses
 * (SqliteStoreError, SqliteStoreLockedError), what the PostgreSQL store
 * refuses (PostgresStoreError), and what a BullMQ worker start that cannot
 * reach Redis rejects with (RedisConnectError).
 *
 * @module
 */
export { BlockedAddressError, isBlockedAddress } from "./blocked-address-error";
export { DispatcherClosedError } from "./dispatcher-closed-error";
export {
  lifecycleError,
  PostgresStoreError,
  type PostgresStoreErrorCode,
  queryFailed,
} from "./postgres-store-error";
export { RedisConnectError, type RedisConnectErrorCode } from "./redis-connect-error";
export {
  closedError,
  lockLostError,
  openedTwiceError,
  SqliteStoreError,
  type SqliteStoreErrorCode,
  SqliteStoreLockedError,
  type StoreOwner,
} from "./sqlite-store-error";
export { WebhookBlockedAddressError } from "./webhook-blocked-address-error";
export { WebhookConnectionError } from "./webhook-connection-error";
export { type DeliveryErrorContext, WebhookDeliveryError } from "./webhook-delivery-error";
export { bodyFailureReason, WebhookFormatError } from "./webhook-format-error";
export { WebhookResponseError } from "./webhook-response-error";
export { WebhookTimeoutError } from "./webhook-timeout-error";
