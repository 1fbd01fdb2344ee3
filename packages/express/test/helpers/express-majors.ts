import express from 'express';
import express4 from 'express4';

/** Both supported Express majors, imported before tracewire initialises (own-span mode). */
export const EXPRESS_MAJORS = [
  { major: 5, express },
  { major: 4, express: express4 },
] as const;

export type ExpressFactory = typeof express;
