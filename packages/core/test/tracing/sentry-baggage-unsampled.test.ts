import { describeSentryBaggage } from './sentry-baggage-cases.ts';

describeSentryBaggage(0);
