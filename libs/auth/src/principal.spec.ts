import { InvalidClaimsError, parsePedigreeClaims, principalFromClaims } from './principal';

const valid = { sub: 'alice', party: '0614141000012', roles: ['manufacturer'], gcp: ['0614141'] };

function problemsOf(payload: unknown): string[] {
  try {
    parsePedigreeClaims(payload);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidClaimsError);
    return (error as InvalidClaimsError).problems;
  }
  throw new Error('expected the claims to be rejected');
}

describe('parsePedigreeClaims', () => {
  it('accepts the Pedigree claims and maps them onto a principal', () => {
    expect(
      principalFromClaims(parsePedigreeClaims({ ...valid, iss: 'x', aud: 'y', exp: 1, iat: 0 })),
    ).toEqual({
      subject: 'alice',
      party: '0614141000012',
      roles: ['manufacturer'],
      gcps: ['0614141'],
    });
  });

  it('accepts every role and removes repeated roles and prefixes', () => {
    const claims = parsePedigreeClaims({
      ...valid,
      roles: ['manufacturer', 'distributor', 'dispenser', 'regulator', 'admin', 'admin'],
      gcp: ['0614141', '0614141', '4012345'],
    });
    expect(claims.roles).toEqual(['manufacturer', 'distributor', 'dispenser', 'regulator', 'admin']);
    expect(claims.gcp).toEqual(['0614141', '4012345']);
  });

  it('treats a missing gcp claim as no prefixes (e.g. a dispenser)', () => {
    const { gcp: _gcp, ...withoutGcp } = valid;
    expect(parsePedigreeClaims({ ...withoutGcp, roles: ['dispenser'] }).gcp).toEqual([]);
  });

  it('rejects a GLN whose GS1 check digit is wrong', () => {
    expect(problemsOf({ ...valid, party: '0614141000013' })).toEqual([
      'party: must be a 13-digit GLN with a valid GS1 check digit',
    ]);
  });

  it.each([['061414100001'], ['06141410000120'], ['061414100001A'], [''], [614141000012]])(
    'rejects the party %p',
    (party) => {
      expect(problemsOf({ ...valid, party })).toEqual([expect.stringMatching(/^party: /)]);
    },
  );

  it('rejects an unknown role and names its position', () => {
    expect(problemsOf({ ...valid, roles: ['manufacturer', 'superuser'] })).toEqual([
      'roles.1: must each be one of manufacturer, distributor, dispenser, regulator, admin',
    ]);
  });

  it('rejects no roles, and roles given as a string', () => {
    expect(problemsOf({ ...valid, roles: [] })).toEqual(['roles: must name at least one role']);
    expect(problemsOf({ ...valid, roles: 'manufacturer' })).toEqual([expect.stringMatching(/^roles: /)]);
  });

  it.each([['061'], ['0614141000012'], ['06141x1'], [' 0614141'], ['']])(
    'rejects the malformed company prefix %p',
    (gcp) => {
      expect(problemsOf({ ...valid, gcp: ['0614141', gcp] })).toEqual([
        'gcp.1: must each be a GS1 Company Prefix of 4 to 12 digits',
      ]);
    },
  );

  it('accepts company prefixes of 4 and of 12 digits', () => {
    expect(parsePedigreeClaims({ ...valid, gcp: ['0614', '061414100001'] }).gcp).toEqual([
      '0614',
      '061414100001',
    ]);
  });

  it('needs a subject and names every bad claim at once', () => {
    const problems = problemsOf({ party: '1', roles: ['x'], gcp: 'nope' });
    expect(problems).toHaveLength(4);
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['gcp', 'party', 'roles.0', 'sub']);
  });
});
