// `node --import @tracewire/core/register` entry: the one module with side effects.
export {};
