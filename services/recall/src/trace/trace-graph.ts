/** An event as the trace reads it: what it did, when, where, between whom, and which identifiers it names how. */
export interface TraceEvent {
  hash: string;
  type: string;
  action: string | null;
  bizStep: string | null;
  disposition: string | null;
  eventTime: Date;
  bizLocation: string | null;
  readPoint: string | null;
  capturedBy: string;
  sourceParties: string[];
  destinationParties: string[];
  bizTransactions: Array<{ type?: string; id: string }>;
  lot: string | null;
  expiry: string | null;
  members: Array<{ key: string; role: string }>;
}

/** Where the trace reads events from (PostgreSQL in the service; a fake in unit tests). */
export interface TraceSource {
  /** The events naming each of `keys` (in any role) that the caller may see, error-declared ones left out. */
  eventsOf(keys: readonly string[]): Promise<Map<string, TraceEvent[]>>;
}

export type Direction = 'backward' | 'forward' | 'both';

export type EdgeType =
  'commissioned' | 'packed' | 'unpacked' | 'shipped' | 'received' | 'transformed' | 'observed';

export interface TraceEdge {
  type: EdgeType;
  /** Items or containers the edge starts from (children packed, inputs, the objects shipped …). */
  from: string[];
  /** Items or containers it leads to (the parent packed into, the outputs …). */
  to: string[];
  fromParties: string[];
  toParties: string[];
  eventHash: string;
  eventTime: string;
  bizStep: string | null;
  disposition: string | null;
  location: string | null;
  capturedBy: string;
  bizTransactions: Array<{ type?: string; id: string }>;
}

export interface TraceResult {
  keys: string[];
  edges: TraceEdge[];
  parties: string[];
  locations: string[];
  truncated: boolean;
}

interface Visit {
  key: string;
  from: number;
  to: number;
  /** May the trace descend into what this object contains (not when it was reached as a container of the root). */
  down: boolean;
  /** The object this container was reached from: its window ends when that object is unpacked from it. */
  member?: string;
}

const SHIPPING = new Set(['shipping', 'departing']);
const RECEIVING = new Set(['receiving', 'accepting']);

function edgeType(event: TraceEvent): EdgeType {
  if (event.type === 'AggregationEvent') return event.action === 'DELETE' ? 'unpacked' : 'packed';
  if (event.type === 'TransformationEvent') return 'transformed';
  if (event.bizStep !== null && SHIPPING.has(event.bizStep)) return 'shipped';
  if (event.bizStep !== null && RECEIVING.has(event.bizStep)) return 'received';
  if (event.type === 'ObjectEvent' && event.action === 'ADD') return 'commissioned';
  return 'observed';
}

const roles = (event: TraceEvent, ...wanted: string[]) =>
  event.members.filter((m) => wanted.includes(m.role)).map((m) => m.key);

/**
 * The trace of one object through its events: backward to commissioning (and through transformations to their
 * inputs), forward to where it is now (and on to transformation outputs). From an object the trace follows the
 * containers it was packed into for as long as it was inside them (their custody is its custody), and from the root —
 * or anything reached going down — the objects packed into it. Every visit is bounded by a time window, so a case's
 * earlier and later lives do not leak into a pack's trace; `maxNodes` caps the graph.
 */
export async function traceGraph(
  source: TraceSource,
  root: string,
  direction: Direction,
  maxNodes: number,
): Promise<TraceResult> {
  const backward = direction !== 'forward';
  const forward = direction !== 'backward';
  const seen = new Set<string>();
  const nodes = new Set<string>([root]);
  const edges = new Map<string, { event: TraceEvent }>();
  let frontier: Visit[] = [{ key: root, from: -Infinity, to: Infinity, down: true }];
  let truncated = false;

  while (frontier.length > 0) {
    const byKey = await source.eventsOf([...new Set(frontier.map((v) => v.key))]);
    const next: Visit[] = [];
    const enqueue = (visit: Visit) => {
      const id = `${visit.key}|${visit.from}|${visit.to}|${visit.down}`;
      if (seen.has(id)) return;
      if (!nodes.has(visit.key) && nodes.size >= maxNodes) {
        truncated = true;
        return;
      }
      seen.add(id);
      nodes.add(visit.key);
      next.push(visit);
    };
    for (const visit of frontier) {
      seen.add(`${visit.key}|${visit.from}|${visit.to}|${visit.down}`);
      const all = (byKey.get(visit.key) ?? []).sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
      let to = visit.to;
      if (visit.member !== undefined) {
        const unpacked = all.find(
          (e) =>
            e.type === 'AggregationEvent' &&
            e.action === 'DELETE' &&
            e.eventTime.getTime() >= visit.from &&
            roles(e, 'parent').includes(visit.key) &&
            (roles(e, 'child').length === 0 || roles(e, 'child').includes(visit.member!)),
        );
        if (unpacked) to = Math.min(to, unpacked.eventTime.getTime());
      }
      for (const event of all) {
        const t = event.eventTime.getTime();
        if (t < visit.from || t > to) continue;
        edges.set(event.hash, { event });
        const parents = roles(event, 'parent');
        const children = roles(event, 'child');
        if (event.type === 'AggregationEvent' && event.action !== 'DELETE') {
          if (children.includes(visit.key))
            for (const parent of parents)
              enqueue({ key: parent, from: t, to, down: false, member: visit.key });
          if (parents.includes(visit.key) && visit.down)
            for (const child of children)
              enqueue({
                key: child,
                from: backward ? -Infinity : visit.from,
                to: forward ? to : t,
                down: true,
              });
        }
        if (event.type === 'TransformationEvent') {
          if (forward && roles(event, 'input').includes(visit.key))
            for (const output of roles(event, 'output'))
              enqueue({ key: output, from: t, to: Infinity, down: true });
          if (backward && roles(event, 'output').includes(visit.key))
            for (const input of roles(event, 'input'))
              enqueue({ key: input, from: -Infinity, to: t, down: true });
        }
      }
    }
    frontier = next;
  }

  const parties = new Set<string>();
  const locations = new Set<string>();
  const list = [...edges.values()]
    .map(({ event }) => event)
    .sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime() || (a.hash < b.hash ? -1 : 1))
    .map((event): TraceEdge => {
      const type = edgeType(event);
      const inGraph = (keys: string[]) => keys.filter((k) => nodes.has(k));
      const objects = inGraph(roles(event, 'epc', 'parent', 'child'));
      const [from, to] =
        type === 'packed'
          ? [inGraph(roles(event, 'child')), inGraph(roles(event, 'parent'))]
          : type === 'unpacked'
            ? [inGraph(roles(event, 'parent')), inGraph(roles(event, 'child'))]
            : type === 'transformed'
              ? [inGraph(roles(event, 'input')), inGraph(roles(event, 'output'))]
              : [objects, objects];
      parties.add(event.capturedBy);
      event.sourceParties.forEach((p) => parties.add(p));
      event.destinationParties.forEach((p) => parties.add(p));
      const location = event.bizLocation ?? event.readPoint;
      if (location !== null) locations.add(location);
      return {
        type,
        from,
        to,
        fromParties: event.sourceParties,
        toParties: event.destinationParties,
        eventHash: event.hash,
        eventTime: event.eventTime.toISOString(),
        bizStep: event.bizStep,
        disposition: event.disposition,
        location,
        capturedBy: event.capturedBy,
        bizTransactions: event.bizTransactions,
      };
    });
  return { keys: [...nodes], edges: list, parties: [...parties], locations: [...locations], truncated };
}
