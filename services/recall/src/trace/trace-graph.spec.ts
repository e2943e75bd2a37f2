import { traceGraph, type TraceEvent, type TraceSource } from './trace-graph';

/** Events in memory, found by the keys they name: the trace's port, faked. */
class MemorySource implements TraceSource {
  constructor(private readonly events: TraceEvent[]) {}
  async eventsOf(keys: readonly string[]): Promise<Map<string, TraceEvent[]>> {
    return new Map(keys.map((key) => [key, this.events.filter((e) => e.members.some((m) => m.key === key))]));
  }
}

let n = 0;
function event(day: number, fields: Partial<TraceEvent> & Pick<TraceEvent, 'type' | 'members'>): TraceEvent {
  n += 1;
  return {
    hash: `h${n}`,
    action: 'OBSERVE',
    bizStep: null,
    disposition: null,
    eventTime: new Date(Date.UTC(2026, 0, day)),
    bizLocation: null,
    readPoint: null,
    capturedBy: 'M',
    sourceParties: [],
    destinationParties: [],
    bizTransactions: [],
    lot: null,
    expiry: null,
    ...fields,
  };
}
const pack = (...keys: string[]) => keys.map((key) => ({ key, role: 'epc' }));
const agg = (parent: string, children: string[]) => [
  { key: parent, role: 'parent' },
  ...children.map((key) => ({ key, role: 'child' })),
];

const story = [
  event(1, { type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', members: pack('p1', 'p2') }),
  event(2, { type: 'AggregationEvent', action: 'ADD', members: agg('case', ['p1', 'p2']) }),
  event(3, { type: 'ObjectEvent', bizStep: 'shipping', members: pack('case'), destinationParties: ['D'] }),
  event(4, { type: 'ObjectEvent', bizStep: 'receiving', members: pack('case'), capturedBy: 'D' }),
  event(5, { type: 'AggregationEvent', action: 'DELETE', members: agg('case', []), capturedBy: 'D' }),
  // The case's next life: packed again with other packs, shipped elsewhere — not p1's history.
  event(6, { type: 'AggregationEvent', action: 'ADD', members: agg('case', ['p9']), capturedBy: 'D' }),
  event(7, {
    type: 'ObjectEvent',
    bizStep: 'shipping',
    members: pack('case'),
    capturedBy: 'D',
    destinationParties: ['X'],
  }),
  event(8, {
    type: 'TransformationEvent',
    members: [
      { key: 'p1', role: 'input' },
      { key: 'kit', role: 'output' },
    ],
  }),
];

describe('traceGraph', () => {
  it('follows a pack through its case only while it was inside, and not to its siblings', async () => {
    const graph = await traceGraph(new MemorySource(story), 'p1', 'backward', 100);
    expect(graph.keys.sort()).toEqual(['case', 'p1']);
    expect(graph.edges.map((e) => e.type)).toEqual([
      'commissioned',
      'packed',
      'shipped',
      'received',
      'unpacked',
      'transformed',
    ]);
    expect(graph.edges[1]).toMatchObject({ from: ['p1'], to: ['case'] });
    expect(graph.parties.sort()).toEqual(['D', 'M']);
  });

  it('goes forward through transformations to their outputs, and down into what the root contains', async () => {
    const forward = await traceGraph(new MemorySource(story), 'p1', 'forward', 100);
    expect(forward.keys).toContain('kit');
    const fromCase = await traceGraph(new MemorySource(story), 'case', 'forward', 100);
    expect(fromCase.keys.sort()).toEqual(['case', 'kit', 'p1', 'p2', 'p9']);
  });

  it('stops at the node cap and says so', async () => {
    const graph = await traceGraph(new MemorySource(story), 'case', 'both', 2);
    expect(graph.keys).toHaveLength(2);
    expect(graph.truncated).toBe(true);
  });
});
