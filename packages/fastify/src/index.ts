export const PACKAGE_NAME = '@tracewire/fastify';
