import { MemoryVerificationStore } from './memory-verification-store';
import { verificationStoreContract } from './verification-store.contract';

verificationStoreContract('MemoryVerificationStore', async () => {
  const store = new MemoryVerificationStore();
  return {
    store,
    seedPack: async (pack) => void store.registry.set(pack.key, pack),
    settle: async () => undefined,
    close: async () => undefined,
  };
});
