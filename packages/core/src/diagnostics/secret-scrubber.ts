// The scrubber for diagnostics lives in the privacy module with the rest of the policy.
export {
  createSecretScrubber,
  knownSecretValues,
  type SecretScrubber,
} from '../privacy/create-secret-scrubber.ts';
