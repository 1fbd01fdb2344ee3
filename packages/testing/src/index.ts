export const PACKAGE_NAME = '@tracewire/testing';
