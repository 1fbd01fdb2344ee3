export type { TracewireContext } from './koa-context.ts';
export { type KoaObservabilityOptions, observability } from './observability.ts';
