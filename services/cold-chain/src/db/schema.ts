export { processedMessages } from '@pedigree/database';
