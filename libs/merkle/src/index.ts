export * from './errors';
export * from './bytes';
export { EMPTY_TREE_ROOT, hashLeaf, hashChildren, merkleTreeHash } from './hashing';
export type { NodeId } from './tree-math';
export { frontierNodeIds, inclusionPathLength, consistencyPathLength } from './tree-math';
export * from './node-source';
export type { InclusionProof, ConsistencyProof, ProofPlan } from './proofs';
export {
  planInclusionProof,
  planConsistencyProof,
  planTreeRoot,
  assembleProof,
  inclusionProof,
  consistencyProof,
  treeRoot,
} from './proofs';
export * from './verify';
export * from './frontier';
export * from './merkle-log';
export { canonicalJson } from './canonical-json';
