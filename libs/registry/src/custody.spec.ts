import type { EpcisEvent } from '@pedigree/epcis';
import { partyGln } from '@pedigree/gs1';
import { actingParty, authority, custodyAct, honoursErrorDeclaration } from './custody';
import { eventFacts } from './event-facts';
import { foldRegistry, type RegistryEvent } from './registry-fold';

const gln = (pgln: string) => partyGln(pgln)!;
const PARTIES = {
  /** Commissioned the pack (owns its GS1 company prefix 0614141). */
  prefixOwner: gln('urn:epc:id:pgln:0614141.00000'),
  /** Received the pack from the prefix owner: holds it. */
  holder: gln('urn:epc:id:pgln:4012345.00000'),
  /** The party the holder's shipping names as destination. */
  namedRecipient: gln('urn:epc:id:pgln:9521321.00000'),
  unrelated: gln('urn:epc:id:pgln:5012345.00000'),
  /** Regulators may not capture (capture answers 403); were one's event stored, it would count as an unrelated party's. */
  regulator: gln('urn:epc:id:pgln:7654321.00000'),
  /** Its token carries the admin role. */
  admin: gln('urn:epc:id:pgln:4000001.00000'),
};
type Party = keyof typeof PARTIES;
const pglnOf: Record<Party, string> = {
  prefixOwner: 'urn:epc:id:pgln:0614141.00000',
  holder: 'urn:epc:id:pgln:4012345.00000',
  namedRecipient: 'urn:epc:id:pgln:9521321.00000',
  unrelated: 'urn:epc:id:pgln:5012345.00000',
  regulator: 'urn:epc:id:pgln:7654321.00000',
  admin: 'urn:epc:id:pgln:4000001.00000',
};
/** Each party's token: its own GS1 company prefix, and the admin role for the admin. */
const CREDENTIALS: Record<string, { capturedByAdmin: boolean; capturedByGcps: string[] }> =
  Object.fromEntries(
    (Object.keys(PARTIES) as Party[]).map((party) => [
      PARTIES[party],
      {
        capturedByAdmin: party === 'admin',
        capturedByGcps: [/^urn:epc:id:pgln:(\d+)\./.exec(pglnOf[party])![1]!],
      },
    ]),
  );
const PACK = 'urn:epc:id:sgtin:0614141.107346.1';
const PACK_KEY = 'https://id.gs1.org/01/10614141073464/21/1';
const CASE = 'urn:epc:id:sscc:0614141.1234567890';
const CASE_KEY = 'https://id.gs1.org/00/106141412345678908';

let sequence = 0;
function event(fields: Record<string, unknown>, capturedBy: string): RegistryEvent {
  sequence += 1;
  return {
    hash: `e${String(sequence).padStart(4, '0')}`,
    recordTime: new Date(Date.parse(String(fields.eventTime)) + 1000),
    capturedBy,
    ...CREDENTIALS[capturedBy],
    facts: eventFacts({ eventTimeZoneOffset: '+00:00', ...fields } as unknown as EpcisEvent),
  };
}

const commissioning = (epcList: string[], by: string, eventTime = '2026-03-01T08:00:00Z') =>
  event(
    {
      type: 'ObjectEvent',
      action: 'ADD',
      eventTime,
      epcList,
      bizStep: 'commissioning',
      disposition: 'active',
      ilmd: { 'cbvmda:lotNumber': 'LOT1' },
    },
    by,
  );
const shipping = (epcList: string[], by: string, to: string, eventTime: string) =>
  event(
    {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime,
      epcList,
      bizStep: 'shipping',
      disposition: 'in_transit',
      destinationList: [{ type: 'owning_party', destination: to }],
    },
    by,
  );
const receiving = (epcList: string[], by: string, owner: string, eventTime: string) =>
  event(
    {
      type: 'ObjectEvent',
      action: 'OBSERVE',
      eventTime,
      epcList,
      bizStep: 'receiving',
      disposition: 'in_progress',
      destinationList: [{ type: 'owning_party', destination: owner }],
    },
    by,
  );
const packing = (parentID: string, childEPCs: string[], by: string, eventTime: string) =>
  event({ type: 'AggregationEvent', action: 'ADD', eventTime, parentID, childEPCs, bizStep: 'packing' }, by);
/** A new case (SSCC) under the party's own company prefix. */
const ownCase = (party: Party) =>
  `urn:epc:id:sscc:${CREDENTIALS[PARTIES[party]]!.capturedByGcps[0]}.1234567890`;
const observe = (epcList: string[], by: string, disposition: string, eventTime: string, bizStep?: string) =>
  event({ type: 'ObjectEvent', action: 'OBSERVE', eventTime, epcList, disposition, bizStep }, by);

/**
 * The pack's history before the event under test: commissioned by the prefix owner, shipped to and received by the
 * holder, who shipped it on to the named recipient (not received yet).
 */
function history(): RegistryEvent[] {
  return [
    commissioning([PACK], PARTIES.prefixOwner),
    shipping([PACK], PARTIES.prefixOwner, pglnOf.holder, '2026-03-02T08:00:00Z'),
    receiving([PACK], PARTIES.holder, pglnOf.holder, '2026-03-03T08:00:00Z'),
    shipping([PACK], PARTIES.holder, pglnOf.namedRecipient, '2026-03-04T08:00:00Z'),
  ];
}

const AT = '2026-03-05T08:00:00Z';
type Effect = 'applied' | 'ignored';
const EVENT_KINDS: Array<{
  kind: string;
  make: (party: Party) => RegistryEvent;
  effect: Record<Party, Effect>;
}> = [
  {
    kind: 'commissioning (ObjectEvent ADD)',
    make: (p) => commissioning([PACK], PARTIES[p], AT),
    effect: {
      holder: 'applied',
      prefixOwner: 'applied',
      namedRecipient: 'ignored',
      unrelated: 'ignored',
      regulator: 'ignored',
      admin: 'applied',
    },
  },
  {
    kind: 'packing (AggregationEvent ADD into a new case of its own)',
    make: (p) => packing(ownCase(p), [PACK], PARTIES[p], AT),
    effect: {
      holder: 'applied',
      prefixOwner: 'ignored',
      namedRecipient: 'ignored',
      unrelated: 'ignored',
      regulator: 'ignored',
      admin: 'applied',
    },
  },
  {
    kind: 'shipping',
    make: (p) => shipping([PACK], PARTIES[p], pglnOf.unrelated, AT),
    effect: {
      holder: 'applied',
      prefixOwner: 'ignored',
      namedRecipient: 'ignored',
      unrelated: 'ignored',
      regulator: 'ignored',
      admin: 'applied',
    },
  },
  {
    kind: 'receiving, naming the capturer as owning party',
    make: (p) => receiving([PACK], PARTIES[p], pglnOf[p], AT),
    effect: {
      holder: 'applied',
      prefixOwner: 'ignored',
      namedRecipient: 'applied',
      unrelated: 'ignored',
      regulator: 'ignored',
      admin: 'applied',
    },
  },
  ...['dispensed', 'stolen', 'destroyed', 'damaged'].map((disposition) => ({
    kind: `OBSERVE with disposition ${disposition}`,
    make: (p: Party) => observe([PACK], PARTIES[p], disposition, AT),
    effect: {
      holder: 'applied' as const,
      prefixOwner: 'ignored' as const,
      namedRecipient: 'ignored' as const,
      unrelated: 'ignored' as const,
      regulator: 'ignored' as const,
      admin: 'applied' as const,
    },
  })),
  {
    kind: 'dispensing (bizStep dispensing)',
    make: (p) => observe([PACK], PARTIES[p], 'dispensed', AT, 'dispensing'),
    effect: {
      holder: 'applied',
      prefixOwner: 'ignored',
      namedRecipient: 'ignored',
      unrelated: 'ignored',
      regulator: 'ignored',
      admin: 'applied',
    },
  },
  {
    kind: 'destroying (bizStep destroying)',
    make: (p) => observe([PACK], PARTIES[p], 'destroyed', AT, 'destroying'),
    effect: {
      holder: 'applied',
      prefixOwner: 'ignored',
      namedRecipient: 'ignored',
      unrelated: 'ignored',
      regulator: 'ignored',
      admin: 'applied',
    },
  },
  {
    kind: 'decommissioning (ObjectEvent DELETE)',
    make: (p) =>
      event(
        { type: 'ObjectEvent', action: 'DELETE', eventTime: AT, epcList: [PACK], bizStep: 'decommissioning' },
        PARTIES[p],
      ),
    effect: {
      holder: 'applied',
      prefixOwner: 'applied',
      namedRecipient: 'ignored',
      unrelated: 'ignored',
      regulator: 'ignored',
      admin: 'applied',
    },
  },
  {
    kind: 'transformation (pack as input)',
    make: (p) =>
      event(
        {
          type: 'TransformationEvent',
          eventTime: AT,
          inputEPCList: [PACK],
          outputEPCList: ['urn:epc:id:sgtin:0614141.107346.99'],
        },
        PARTIES[p],
      ),
    effect: {
      holder: 'applied',
      prefixOwner: 'ignored',
      namedRecipient: 'ignored',
      unrelated: 'ignored',
      regulator: 'ignored',
      admin: 'applied',
    },
  },
];

describe('authorisation matrix of the registry fold (docs/authorisation.md)', () => {
  it('starts from a pack held by the holder, commissioned by the prefix owner, shipped to the named recipient', () => {
    expect(foldRegistry(history()).states.get(PACK_KEY)).toMatchObject({
      owner: PARTIES.holder,
      commissionedBy: PARTIES.prefixOwner,
      shippedTo: [PARTIES.namedRecipient],
      status: 'in_transit',
    });
  });

  const cases = EVENT_KINDS.flatMap(({ kind, make, effect }) =>
    (Object.keys(PARTIES) as Party[]).map((party) => ({ kind, make, party, expected: effect[party] })),
  );
  it.each(cases)('$kind by the $party: $expected', ({ make, party, expected }) => {
    const base = history();
    const before = foldRegistry(base).states.get(PACK_KEY)!;
    const subject = make(party);
    const after = foldRegistry([...base, subject]).states.get(PACK_KEY)!;
    if (expected === 'applied') expect([after.lastEventHash, after.statusEventHash]).toContain(subject.hash);
    else expect(after).toEqual(before);
  });

  it('gives the named recipient custody once it receives, and takes it from the former holder', () => {
    const received = receiving([PACK], PARTIES.namedRecipient, pglnOf.namedRecipient, AT);
    const byFormer = observe([PACK], PARTIES.holder, 'stolen', '2026-03-06T08:00:00Z');
    const byRecipient = observe(
      [PACK],
      PARTIES.namedRecipient,
      'dispensed',
      '2026-03-07T08:00:00Z',
      'dispensing',
    );
    const states = foldRegistry([...history(), received, byFormer, byRecipient]).states;
    expect(states.get(PACK_KEY)).toMatchObject({
      owner: PARTIES.namedRecipient,
      status: 'dispensed',
      statusEventHash: byRecipient.hash,
    });
    expect(states.get(PACK_KEY)?.shippedTo).toBeUndefined();
  });

  it('judges an event by custody at its event time, whatever order events arrive in', () => {
    // The recipient's dispensing dated before it received the pack was not its to make; the one dated after is.
    const early = observe([PACK], PARTIES.namedRecipient, 'dispensed', '2026-03-04T12:00:00Z');
    const received = receiving([PACK], PARTIES.namedRecipient, pglnOf.namedRecipient, AT);
    const late = observe([PACK], PARTIES.namedRecipient, 'destroyed', '2026-03-06T08:00:00Z');
    const inOrder = foldRegistry([...history(), early, received]).states.get(PACK_KEY)!;
    expect(inOrder).toMatchObject({ status: 'active', lastEventHash: received.hash });
    expect(foldRegistry([received, early, ...history().reverse()]).states).toEqual(
      foldRegistry([...history(), early, received]).states,
    );
    expect(foldRegistry([late, early, received, ...history()]).states.get(PACK_KEY)).toMatchObject({
      status: 'destroyed',
      statusEventHash: late.hash,
    });
  });

  it('applies events on a case to its packs only when the capturer holds the case', () => {
    const packed = event(
      {
        type: 'AggregationEvent',
        action: 'ADD',
        eventTime: '2026-03-01T09:00:00Z',
        parentID: CASE,
        childEPCs: [PACK],
        bizStep: 'packing',
      },
      PARTIES.prefixOwner,
    );
    const base = [commissioning([PACK], PARTIES.prefixOwner), packed];
    const stolen = observe([CASE], PARTIES.unrelated, 'stolen', '2026-03-02T08:00:00Z');
    const hijacked = receiving([CASE], PARTIES.unrelated, pglnOf.unrelated, '2026-03-02T09:00:00Z');
    const unpacked = event(
      { type: 'AggregationEvent', action: 'DELETE', eventTime: '2026-03-02T10:00:00Z', parentID: CASE },
      PARTIES.unrelated,
    );
    expect(foldRegistry([...base, stolen, hijacked, unpacked]).states).toEqual(foldRegistry(base).states);

    const shipped = shipping([CASE], PARTIES.prefixOwner, pglnOf.holder, '2026-03-02T08:00:00Z');
    const received = receiving([CASE], PARTIES.holder, pglnOf.holder, '2026-03-03T08:00:00Z');
    const states = foldRegistry([...base, shipped, received]).states;
    expect(states.get(CASE_KEY)).toMatchObject({ owner: PARTIES.holder });
    expect(states.get(PACK_KEY)).toMatchObject({
      owner: PARTIES.holder,
      parentKey: CASE_KEY,
      status: 'active',
    });
  });

  const UNHELD_EXPECTED: Record<Party, Effect> = {
    prefixOwner: 'applied',
    holder: 'ignored',
    namedRecipient: 'ignored',
    unrelated: 'ignored',
    regulator: 'ignored',
    admin: 'applied',
  };
  const unheldCases = EVENT_KINDS.flatMap(({ kind, make }) =>
    (Object.keys(PARTIES) as Party[]).map((party) => ({
      kind,
      make,
      party,
      expected: UNHELD_EXPECTED[party],
    })),
  );
  it.each(unheldCases)(
    'on a pack nobody holds yet: $kind by the $party: $expected',
    ({ make, party, expected }) => {
      const subject = make(party);
      const state = foldRegistry([subject]).states.get(PACK_KEY);
      if (expected === 'applied')
        expect([state?.lastEventHash, state?.statusEventHash]).toContain(subject.hash);
      else expect(state).toBeUndefined();
    },
  );

  it('leaves a pack nobody holds to its prefix owner, and to its holder once someone holds it', () => {
    const seen = observe([PACK], PARTIES.unrelated, 'active', '2026-02-01T08:00:00Z');
    const states = foldRegistry([seen, ...history()]).states;
    expect(states.get(PACK_KEY)).toMatchObject({ owner: PARTIES.holder, commissioned: true });
    const unrelated = { party: PARTIES.unrelated, admin: false, gcps: ['5012345'] };
    const prefixOwner = { party: PARTIES.prefixOwner, admin: false, gcps: ['0614141'] };
    expect(authority(undefined, PACK_KEY, unrelated, 'change')).toBeUndefined();
    expect(authority(undefined, PACK_KEY, prefixOwner, 'change')).toBe('company-prefix');
    expect(authority({ owner: PARTIES.holder }, PACK_KEY, prefixOwner, 'change')).toBeUndefined();
    expect(authority({ owner: PARTIES.holder }, PACK_KEY, { ...unrelated, admin: true }, 'change')).toBe(
      'admin',
    );
  });

  it('lets anyone act on an object nobody holds whose identifier has no company prefix, or by an event from before prefixes were recorded', () => {
    const asset = 'https://example.com/assets/A1';
    const tagged = observe([asset], PARTIES.unrelated, 'active', AT);
    expect(foldRegistry([tagged]).states.get(asset)).toMatchObject({ lastEventHash: tagged.hash });
    const legacy = { ...observe([PACK], PARTIES.unrelated, 'active', AT), capturedByGcps: undefined };
    expect(foldRegistry([legacy]).states.get(PACK_KEY)).toMatchObject({ lastEventHash: legacy.hash });
  });

  it('refuses a packing into a new case under another party’s company prefix: the whole event is an observation', () => {
    const base = history();
    const intoOthers = packing(CASE, [PACK], PARTIES.holder, AT);
    const states = foldRegistry([...base, intoOthers]).states;
    expect(states.get(CASE_KEY)).toBeUndefined();
    expect(states.get(PACK_KEY)).toEqual(foldRegistry(base).states.get(PACK_KEY));
  });

  it('lets an event refused on a pack nobody held take effect once the events before it arrive', () => {
    const received = receiving([PACK], PARTIES.holder, pglnOf.holder, '2026-03-03T08:00:00Z');
    expect(foldRegistry([received]).states.get(PACK_KEY)).toBeUndefined();
    const late = [
      commissioning([PACK], PARTIES.prefixOwner),
      shipping([PACK], PARTIES.prefixOwner, pglnOf.holder, '2026-03-02T08:00:00Z'),
    ];
    expect(foldRegistry([received, ...late]).states.get(PACK_KEY)).toMatchObject({
      owner: PARTIES.holder,
      lastEventHash: received.hash,
    });
  });

  it('classifies what an event does to each object it names', () => {
    expect(custodyAct({ type: 'ObjectEvent', action: 'ADD' }, 'epc')).toBe('commission');
    expect(custodyAct({ type: 'ObjectEvent', action: 'DELETE' }, 'epc')).toBe('decommission');
    expect(custodyAct({ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'decommissioning' }, 'epc')).toBe(
      'decommission',
    );
    expect(custodyAct({ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'accepting' }, 'epc')).toBe(
      'receive',
    );
    expect(custodyAct({ type: 'TransformationEvent' }, 'output')).toBe('commission');
    expect(custodyAct({ type: 'TransformationEvent' }, 'input')).toBe('change');
    expect(custodyAct({ type: 'AggregationEvent', action: 'ADD', bizStep: 'packing' }, 'child')).toBe(
      'change',
    );
  });

  it.each([
    { who: 'the capturer of the original event', party: PARTIES.holder, admin: false, honoured: true },
    { who: 'the prefix owner', party: PARTIES.prefixOwner, admin: false, honoured: false },
    { who: 'an unrelated party', party: PARTIES.unrelated, admin: false, honoured: false },
    { who: 'a regulator', party: PARTIES.regulator, admin: false, honoured: false },
    { who: 'an admin', party: PARTIES.unrelated, admin: true, honoured: true },
  ])(
    'an error declaration of the holder’s event by $who is honoured: $honoured',
    ({ party, admin, honoured }) => {
      expect(honoursErrorDeclaration(PARTIES.holder, { party, admin })).toBe(honoured);
    },
  );
});

describe('appointed agents (docs/authorisation.md)', () => {
  /** The unrelated party's event, captured while the parties in `principals` had appointed it as their agent. */
  const asAgentOf = (subject: RegistryEvent, ...principals: Party[]): RegistryEvent => ({
    ...subject,
    appointedBy: principals.map((p) => PARTIES[p]),
  });
  const AFTER = '2026-03-06T08:00:00Z';

  it('lets the holder’s agent change the pack for the holder, who keeps custody', () => {
    const stolen = asAgentOf(observe([PACK], PARTIES.unrelated, 'stolen', AT), 'holder');
    const state = foldRegistry([...history(), stolen]).states.get(PACK_KEY)!;
    expect(state).toMatchObject({ status: 'stolen', statusEventHash: stolen.hash, owner: PARTIES.holder });
  });

  it('keeps the event of an agent of someone who does not hold the pack an observation', () => {
    const base = history();
    for (const principal of ['prefixOwner', 'namedRecipient', 'unrelated'] as const) {
      const subject = asAgentOf(observe([PACK], PARTIES.unrelated, 'stolen', AT), principal);
      expect(foldRegistry([...base, subject]).states.get(PACK_KEY)).toEqual(
        foldRegistry(base).states.get(PACK_KEY),
      );
    }
  });

  it('lets the named recipient’s agent receive the shipment: the recipient becomes the holder, not the agent, whatever owning party the agent names', () => {
    const received = asAgentOf(receiving([PACK], PARTIES.unrelated, pglnOf.unrelated, AT), 'namedRecipient');
    const withoutOwner = { ...received, facts: { ...received.facts, destinationOwner: undefined } };
    for (const subject of [received, withoutOwner]) {
      const state = foldRegistry([...history(), subject]).states.get(PACK_KEY)!;
      expect(state.owner).toBe(PARTIES.namedRecipient);
      expect(state.shippedTo).toBeUndefined();
    }
    const dispensed = observe([PACK], PARTIES.namedRecipient, 'dispensed', AFTER, 'dispensing');
    expect(foldRegistry([...history(), withoutOwner, dispensed]).states.get(PACK_KEY)).toMatchObject({
      status: 'dispensed',
    });
  });

  it('never lets an agent commission for its principal or act on a pack nobody holds', () => {
    const commissioned = asAgentOf(commissioning([PACK], PARTIES.unrelated), 'prefixOwner');
    expect(foldRegistry([commissioned]).states.get(PACK_KEY)).toBeUndefined();
    const custody = { owner: PARTIES.holder };
    const agent = { party: PARTIES.unrelated, admin: false, gcps: ['5012345'] };
    expect(actingParty(undefined, PACK_KEY, agent, 'commission', [PARTIES.prefixOwner])).toBeUndefined();
    expect(actingParty(custody, PACK_KEY, agent, 'change', [PARTIES.holder])).toBe(PARTIES.holder);
    expect(actingParty(custody, PACK_KEY, agent, 'change', [])).toBeUndefined();
    expect(actingParty(custody, PACK_KEY, { ...agent, party: PARTIES.holder }, 'change')).toBe(
      PARTIES.holder,
    );
  });

  it('judges agency per event: an event captured before the appointment (or after its end) stays an observation', () => {
    const before = observe([PACK], PARTIES.unrelated, 'stolen', AT);
    const during = asAgentOf(observe([PACK], PARTIES.unrelated, 'damaged', AFTER), 'holder');
    const states = foldRegistry([...history(), before, during]).states;
    expect(states.get(PACK_KEY)).toMatchObject({ status: 'damaged', statusEventHash: during.hash });
    expect(foldRegistry([...history(), before]).states.get(PACK_KEY)?.status).toBe('in_transit');
  });
});
