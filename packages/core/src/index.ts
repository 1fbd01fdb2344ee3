export { TRACEWIRE_VERSION } from './version.ts';
