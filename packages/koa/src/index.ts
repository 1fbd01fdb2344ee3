export const PACKAGE_NAME = '@tracewire/koa';
