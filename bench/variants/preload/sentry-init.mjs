// Sentry 11 set up the way its Node guide does it: an instrument file loaded with
// `node --import` before the app, tracing every request.
import * as Sentry from '@sentry/node';

Sentry.init({
  dsn: process.env.SENTRY_DSN,
  tracesSampleRate: 1,
});
