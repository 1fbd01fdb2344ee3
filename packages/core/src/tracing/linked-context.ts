import type { Context } from '@opentelemetry/api';

// How many values a chain holds before it is copied into the base context's own kind.
const MAX_LINKS = 8;

// Marks a value deleted in a link; `getValue` then answers undefined without asking further.
const DELETED = Symbol('tracewire.context.deleted');

/**
 * An OpenTelemetry context that adds one value to another context without copying it.
 * OpenTelemetry's own context copies its whole map on every `setValue`, and a request's
 * context takes two or three of them (the span, the RPC metadata, an extracted parent):
 * here each is one small object. Reads walk the links down to the base context. After
 * {@link MAX_LINKS} values the chain is copied into the base context's kind once, so a
 * long-lived context neither grows its lookups nor keeps old values alive.
 *
 * @example
 * const requestContext = linkContext(context.active()); // then trace.setSpan(requestContext, span)
 */
class LinkedContext implements Context {
  private flattened: Context | undefined = undefined;

  constructor(
    private readonly parent: Context,
    private readonly key: symbol | undefined,
    private readonly value: unknown,
    private readonly links: number,
  ) {}

  getValue(key: symbol): unknown {
    let link: Context = this;
    while (link instanceof LinkedContext) {
      if (link.key === key) return link.value === DELETED ? undefined : link.value;
      link = link.parent;
    }
    return link.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    if (this.links >= MAX_LINKS) return this.flatten().setValue(key, value);
    return new LinkedContext(this, key, value, this.links + 1);
  }

  deleteValue(key: symbol): Context {
    if (this.links >= MAX_LINKS) return this.flatten().deleteValue(key);
    return new LinkedContext(this, key, DELETED, this.links + 1);
  }

  /** The same values in a context of the base's kind: the base with each link set on it, oldest first. */
  private flatten(): Context {
    if (this.flattened !== undefined) return this.flattened;
    const chain: LinkedContext[] = [];
    let link: Context = this;
    while (link instanceof LinkedContext) {
      chain.push(link);
      link = link.parent;
    }
    let flat = link;
    for (let index = chain.length - 1; index >= 0; index--) {
      const { key, value } = chain[index] as LinkedContext;
      if (key === undefined) continue;
      flat = value === DELETED ? flat.deleteValue(key) : flat.setValue(key, value);
    }
    this.flattened = flat;
    return flat;
  }
}

/**
 * A context that reads like `base` and whose `setValue`/`deleteValue` link instead of
 * copying: for the few values a request's context adds.
 *
 * @example
 * const requestContext = setRPCMetadata(trace.setSpan(linkContext(parent), span), metadata);
 */
export function linkContext(base: Context): Context {
  if (base instanceof LinkedContext) return base;
  return new LinkedContext(base, undefined, undefined, 0);
}
