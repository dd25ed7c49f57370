/**
 * Endpoint configs kept in a durable store: what is written (never a secret
 * unless the store opted in), whether each is disabled, and how a restored
 * config gets its secret back.
 *
 * @module
 */
import type { DeliveryStore, EndpointDisabledState, StoredEndpoint } from "../store/delivery-store";

/** The `secrets` option: the secret of a restored endpoint, e.g. from a secret manager. */
export type SecretResolver = (endpointId: string) => string | undefined;

/** A stored config ready to be added again, with its secret when one was found. */
export interface RestoredConfig {
  readonly id: string;
  readonly config: Record<string, unknown>;
  /** It had a secret when saved and none could be found: keep it disabled. */
  readonly secretMissing: boolean;
  /** Set when it was disabled before the restart. */
  readonly disabled?: EndpointDisabledState;
}

/** Writes and reads endpoint configs through the optional methods of a store. */
export class EndpointRecords {
  constructor(private readonly store: DeliveryStore) {}

  /**
   * Throws when an endpoint added at run time could not be kept as given:
   * a format function does not survive a restart.
   */
  assertRestorable(id: string, given: Readonly<Record<string, unknown>>): void {
    if (this.store.saveEndpoint === undefined || typeof given.format !== "function") return;
    throw new TypeError(
      `@attesta/webhooks: endpoint ${id} has a format function, which the ${this.store.kind} store cannot keep across restarts. Fix: use format "slack", "teams" or "discord", or pass this endpoint in the constructor's configs.`,
    );
  }

  /** Keeps `given` (the config as the user passed it, patches merged) under `id`. */
  save(id: string, given: Readonly<Record<string, unknown>>): void {
    if (this.store.saveEndpoint === undefined) return;
    this.store.saveEndpoint({ id, ...this.form(id, given) });
  }

  /** `given` as the store keeps it: no secret unless the store opted in. */
  form(
    id: string,
    given: Readonly<Record<string, unknown>>,
  ): { config: Record<string, unknown>; signed: boolean } {
    // A function does not survive JSON: kept as "function", a stored copy is refused on restore
    // (loudly) instead of silently sending the Attesta payload.
    const { secret, ...rest } =
      typeof given.format === "function" ? { ...given, format: "function" } : given;
    const signed = secret !== undefined;
    const config = this.store.keepsSecrets === true && signed ? { ...rest, secret } : rest;
    return { config: { ...config, id }, signed };
  }

  remove(id: string): void {
    this.store.removeEndpoint?.(id);
  }

  /** Keeps whether the endpoint is disabled (`undefined`: enabled). */
  saveState(id: string, disabled: EndpointDisabledState | undefined): void {
    this.store.saveEndpointState?.(id, disabled);
  }

  /** Every endpoint the store keeps, constructor ones included, with its disabled state. */
  stored(): StoredEndpoint[] {
    return this.store.loadEndpoints?.() ?? [];
  }

  /**
   * The `stored` endpoints whose id is not in `skip` (constructor configs win),
   * with their secrets: the stored one when the store keeps secrets, else the
   * one `resolve` gives. A resolver that throws counts as "not found"; its
   * error goes to `onResolveError` (which must not log the secret: it never
   * has it).
   */
  withSecrets(
    stored: readonly StoredEndpoint[],
    skip: ReadonlySet<string>,
    resolve: SecretResolver | undefined,
    onResolveError: (id: string, error: unknown) => void,
  ): RestoredConfig[] {
    const restored: RestoredConfig[] = [];
    for (const endpoint of stored) {
      if (skip.has(endpoint.id)) continue;
      restored.push(withSecret(endpoint, resolve, onResolveError));
    }
    return restored;
  }
}

function withSecret(
  stored: StoredEndpoint,
  resolve: SecretResolver | undefined,
  onResolveError: (id: string, error: unknown) => void,
): RestoredConfig {
  const config: Record<string, unknown> = { ...stored.config, id: stored.id };
  const { id, disabled } = stored;
  if (!stored.signed || config.secret !== undefined) {
    return { id, config, secretMissing: false, disabled };
  }
  let secret: unknown;
  try {
    secret = resolve?.(stored.id);
  } catch (error) {
    onResolveError(stored.id, error);
  }
  if (typeof secret === "string" && secret.length > 0) {
    return { id, config: { ...config, secret }, secretMissing: false, disabled };
  }
  delete config.secret;
  return { id, config, secretMissing: true, disabled };
}
