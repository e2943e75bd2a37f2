export * from './topics';
export * from './envelope';
export * from './messages/common';
export { epcisEventMessageSchema, type EpcisEventMessage } from './messages/epcis-events';
export { readingBatchSchema } from './messages/coldchain-readings';
export { excursionSchema } from './messages/coldchain-excursions';
export { recallNoticeSchema } from './messages/recall-notices';
export { anchorNoticeSchema } from './messages/ledger-anchors';
