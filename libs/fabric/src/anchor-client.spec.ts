import type { ServiceError } from '@grpc/grpc-js';
import { EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { AnchorChaincodeError, decodeAnchorError } from './anchor-client';

const cause = new Error('grpc') as ServiceError;

/** An endorsement failure as the Gateway reports it: its own message, the chaincode's message in each peer's detail. */
function endorseError(chaincodeMessage: string): EndorseError {
  return new EndorseError({
    code: 10,
    message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
    details: [
      {
        address: 'peer0.manufacturer:7051',
        mspId: 'ManufacturerMSP',
        message: `chaincode response 500, ${chaincodeMessage}`,
      },
    ],
    cause,
    transactionId: 'tx1',
  });
}

describe('decodeAnchorError', () => {
  it.each([
    [
      'CONFLICTING_ROOT',
      'conflicting root for tree size 3: the ledger holds aa, the submission has bb',
      true,
    ],
    [
      'CONFLICTING_PREVIOUS',
      'head 5 is already anchored extending size 3 with root aa, not the empty log (size 0)',
      true,
    ],
    ['NOT_EXTENDING', 'head 8 does not extend the current head: it claims to follow size 2', true],
    ['MALFORMED_ARGUMENT', 'treeSize must be a non-negative decimal integer, got "x"', true],
    ['HEAD_NOT_FOUND', 'no head with tree size 9 is anchored', false],
  ] as const)(
    'reads the code %s from the chaincode message in an endorsement detail',
    (code, explanation, refuses) => {
      const decoded = decodeAnchorError(endorseError(`${code}: ${explanation}`));
      expect(decoded).toBeInstanceOf(AnchorChaincodeError);
      expect(decoded).toMatchObject({ code, explanation, refusesHead: refuses });
      expect(decoded?.message).toBe(`${code}: ${explanation}`);
      expect(decoded?.cause).toBeInstanceOf(EndorseError);
    },
  );

  it('reads the code from the message of an evaluate error without details', () => {
    const error = new GatewayError({
      code: 2,
      message:
        '2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, HEAD_NOT_FOUND: no head with tree size 4 is anchored',
      details: [],
      cause,
    });
    expect(decodeAnchorError(error)).toMatchObject({
      code: 'HEAD_NOT_FOUND',
      explanation: 'no head with tree size 4 is anchored',
    });
  });

  it.each([
    ['conflicting root for tree size 1: the ledger holds aa, the submission has bb', 'CONFLICTING_ROOT'],
    [
      'head 5 is already anchored extending size 3 with root aa, not the empty log (size 0)',
      'CONFLICTING_PREVIOUS',
    ],
    ['head 8 does not extend the current head: it claims to follow size 2', 'NOT_EXTENDING'],
    ['no head with tree size 9 is anchored', 'HEAD_NOT_FOUND'],
  ] as const)('understands the uncoded message of an older chaincode: %s', (message, code) => {
    expect(decodeAnchorError(endorseError(message))).toMatchObject({ code, explanation: message });
  });

  it('does not take a gRPC status name for a chaincode code', () => {
    const error = new GatewayError({
      code: 3,
      message: '3 INVALID_ARGUMENT: bad request',
      details: [],
      cause,
    });
    expect(decodeAnchorError(error)).toBeUndefined();
  });

  it('leaves errors that are not the chaincode speaking alone', () => {
    expect(decodeAnchorError(new Error('14 UNAVAILABLE: No connection established'))).toBeUndefined();
    expect(decodeAnchorError(endorseError('MVCC_READ_CONFLICT'))).toBeUndefined();
    expect(decodeAnchorError('NOT_EXTENDING: not an Error')).toBeUndefined();
    expect(decodeAnchorError(undefined)).toBeUndefined();
  });
});
