import { headStoreContract } from './head-store.contract';
import { MemoryHeadStore } from './memory-head-store';

headStoreContract('MemoryHeadStore', async () => {
  const store = new MemoryHeadStore();
  return {
    store,
    append: async (entries) => store.appendEntries(entries, new Date()),
    close: async () => undefined,
  };
});
