import type { FastifyRequest } from 'fastify';

/**
 * The route template that matched the request (`/v2/users/:id`, prefixes included), or
 * undefined when no route matched (the 404 handler), so that an unmatched URL never
 * becomes a span name or a metric label.
 *
 * `routeOptions.url` is the full template on Fastify 4.10+ and 5; Fastify leaves it
 * undefined for the not-found handler, which is also how `request.is404` decides.
 */
export function routeTemplateOf(request: FastifyRequest): string | undefined {
  const template = request.routeOptions.url;
  return typeof template === 'string' && template.length > 0 ? template : undefined;
}
