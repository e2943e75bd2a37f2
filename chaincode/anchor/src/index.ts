import { AnchorContract } from './anchor-contract';

export { AnchorContract, CURRENT_HEAD_KEY, HEAD_ANCHORED_EVENT, HEAD_OBJECT_TYPE } from './anchor-contract';
export type { AnchorErrorCode, HeadRecord, HeadSubmission } from './head';
export { AnchorError } from './head';

/** Read by fabric-shim's `fabric-chaincode-node server`: the contracts this chaincode serves (the first is the default). */
export const contracts = [AnchorContract];
