import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { maskQueryParameters, redactQueryString } from './redact-query-string.ts';
import { URL_MASK } from './mask.ts';

// Attributes that carry a whole URL, and the one that carries only its query string,
// in current and older semantic conventions.
const URL_ATTRIBUTES = ['url.full', 'http.url', 'http.target'] as const;
const QUERY_ATTRIBUTE = 'url.query';
const URL_USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i;

function maskUrl(url: string): string {
  const masked = redactQueryString(url);
  return URL_USERINFO.test(masked) ? masked.replace(URL_USERINFO, `$1${URL_MASK}@`) : masked;
}

function maskAttributes(span: Span): void {
  const attributes = span.attributes;
  for (const name of URL_ATTRIBUTES) {
    const value = attributes[name];
    if (typeof value === 'string' && (value.includes('?') || value.includes('@'))) {
      const masked = maskUrl(value);
      if (masked !== value) span.setAttribute(name, masked);
    }
  }
  const query = attributes[QUERY_ATTRIBUTE];
  if (typeof query === 'string' && query !== '') {
    // Some instrumentations keep the `?` (`url.search`), the conventions do not.
    const masked = query.startsWith('?')
      ? `?${maskQueryParameters(query.slice(1))}`
      : maskQueryParameters(query);
    if (masked !== query) span.setAttribute(QUERY_ATTRIBUTE, masked);
  }
}

/**
 * The span side of the privacy policy: every span's URL attributes (`url.full`,
 * `url.query`, and the older `http.url`/`http.target`) get secret query values and URL
 * credentials masked, whichever instrumentation made the span: the http
 * instrumentation's server and client spans, undici's fetch spans, a framework's.
 * Instrumentations each have their own redaction list, or none; this applies the one
 * rule to all of them. Masking happens when a span starts and again as it ends, for
 * attributes set in between.
 *
 * @example
 * new TracerProvider({ spanProcessors: [createSpanPrivacyProcessor(), batchProcessor] });
 */
export function createSpanPrivacyProcessor(): SpanProcessor {
  return {
    onStart(span: Span, _parentContext: Context): void {
      maskAttributes(span);
    },
    onEnding(span: Span): void {
      maskAttributes(span);
    },
    onEnd(_span: ReadableSpan): void {},
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
