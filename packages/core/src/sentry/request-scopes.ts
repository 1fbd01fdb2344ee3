import type { AsyncLocalStorage } from 'node:async_hooks';
import type { NodeClient, Scope } from '@sentry/node';
import type { SentrySdk } from './sentry-sdk.ts';

/** The store of Sentry's AsyncLocalStorage strategy: the scopes Sentry reads in a context. */
interface SentryScopes {
  readonly scope: Scope;
  readonly isolationScope: Scope;
}

/** What writes a request's own data into its isolation scope when that is forked. */
export interface RequestScopeSeed {
  seedScope(isolationScope: Scope): void;
}

/**
 * One request's Sentry scopes, forked from the scopes around the request only when
 * something reads them: `Sentry.setUser()`, a breadcrumb, a captured error. Most
 * requests never do, and `Sentry.withIsolationScope()` costs two scope clones and three
 * random UUIDs up front. Sentry reads `scope` and `isolationScope` off the store, so the
 * getters fork on first read; `seed` then gets the new isolation scope once.
 * They are forked from the scopes around the request as those are when first read.
 */
class RequestScopes implements SentryScopes {
  private current: Scope | undefined = undefined;
  private isolation: Scope | undefined = undefined;

  constructor(
    private readonly parent: SentryScopes,
    private readonly seed: RequestScopeSeed,
    private readonly sentryCore: SentrySdk['core'],
  ) {}

  get scope(): Scope {
    if (this.current === undefined) {
      const scope = this.parent.scope.clone();
      const { isContinuingTrace, generateTraceId, _INTERNAL_safeMathRandom } = this.sentryCore;
      // As `withIsolationScope` does: a request that does not continue a trace gets its own.
      if (!isContinuingTrace(scope.getPropagationContext())) {
        scope.setPropagationContext({ traceId: generateTraceId(), sampleRand: _INTERNAL_safeMathRandom() });
      }
      this.current = scope;
    }
    return this.current;
  }

  get isolationScope(): Scope {
    if (this.isolation === undefined) {
      const isolation = this.parent.isolationScope.clone();
      this.isolation = isolation;
      this.seed.seedScope(isolation);
    }
    return this.isolation;
  }
}

/**
 * Runs `callback` with scopes of its own, as `Sentry.withIsolationScope()` would, but
 * forked only on first use; `seed` writes the request's own data (transaction name, tags)
 * into the isolation scope when it is forked. Falls back to `withIsolationScope` when
 * Sentry's context strategy is not its plain AsyncLocalStorage one.
 *
 * @example
 * const sentry = loadSentrySdk();
 * const seed = { seedScope: (scope: Scope) => scope.setTag('request_id', id) };
 * withRequestScopes(sentry, sentry.node.getClient(), seed, () => handle(req, res));
 */
export function withRequestScopes<T>(
  sentry: SentrySdk,
  client: NodeClient | undefined,
  seed: RequestScopeSeed,
  callback: () => T,
): T {
  const lookup = client?.asyncLocalStorageLookup;
  // With a context symbol, Sentry keeps its scopes in OpenTelemetry's context, not as the store.
  if (lookup === undefined || lookup.contextSymbol !== undefined) {
    return sentry.node.withIsolationScope((isolationScope) => {
      seed.seedScope(isolationScope);
      return callback();
    });
  }
  const storage = lookup.asyncLocalStorage as AsyncLocalStorage<SentryScopes>;
  // Outside any request these are Sentry's process-wide default scopes: nothing is cloned.
  const parent = storage.getStore() ?? {
    scope: sentry.node.getCurrentScope(),
    isolationScope: sentry.node.getIsolationScope(),
  };
  return storage.run(new RequestScopes(parent, seed, sentry.core), callback);
}
