export type { FastifyOtelHookName, FastifyOtelOptions } from './fastify-otel-plugin.ts';
export { type FastifyObservabilityOptions, observability } from './observability-plugin.ts';
