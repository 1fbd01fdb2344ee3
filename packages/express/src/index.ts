export const PACKAGE_NAME = '@tracewire/express';
