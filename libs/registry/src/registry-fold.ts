import { actingParty, custodyAct, isReceiving, isShipping, type Capturer, type Custody } from './custody';
import { itemOfKey, type EventFacts, type NamedIdentifier } from './event-facts';
import { isHold, isTerminal, RELEASE_DISPOSITION, statusFromEvent, type PackStatus } from './pack-status';

/** An event as the registry sees it: its facts plus when and by whom it was captured. */
export interface RegistryEvent {
  hash: string;
  recordTime: Date;
  capturedBy: string;
  /** What the capturer's token carried: admin role, GS1 company prefixes (undefined: not recorded, an older event). */
  capturedByAdmin?: boolean;
  capturedByGcps?: readonly string[];
  /** The parties that had appointed the capturer as their agent when capture recorded the event (docs/authorisation.md). */
  appointedBy?: readonly string[];
  facts: EventFacts;
}

function capturerOf(event: RegistryEvent): Capturer {
  return { party: event.capturedBy, admin: event.capturedByAdmin === true, gcps: event.capturedByGcps };
}

/** The stored columns of an event that say who captured it and for whom (each service's `events` table). */
export interface CapturerColumns {
  captured_by_roles: string[] | null;
  captured_by_gcps: string[] | null;
  appointed_by: string[] | null;
}

/** The capturer's credentials and principals of a stored event, as the fold judges them (custody.ts). */
export function capturerFromColumns(
  row: CapturerColumns,
): Pick<RegistryEvent, 'capturedByAdmin' | 'capturedByGcps' | 'appointedBy'> {
  return {
    capturedByAdmin: row.captured_by_roles?.includes('admin') === true,
    ...(row.captured_by_gcps !== null ? { capturedByGcps: row.captured_by_gcps } : {}),
    ...(row.appointed_by !== null && row.appointed_by.length > 0 ? { appointedBy: row.appointed_by } : {}),
  };
}

/** One serialised item or container in the registry. */
export interface SerialState extends Custody {
  key: string;
  /** The identifier as first written in an event (EPC URI or Digital Link). */
  epc: string;
  kind: 'item' | 'container' | 'other';
  gtin?: string;
  serial?: string;
  lot?: string;
  expiry?: string;
  commissioned: boolean;
  status: PackStatus;
  statusEventHash: string;
  statusChangedAt: Date;
  parentKey: string | null;
  location?: string;
  lastEventHash: string;
  lastEventTime: Date;
  /** While held (quarantined, rejected): the status a release returns it to. */
  heldStatus?: PackStatus;
}

/** One change of an object's holder during the replay: who holds it from then on, since which event. */
export interface CustodyChange {
  party: string;
  eventHash: string;
  eventTime: Date;
}

export interface RegistryFold {
  states: Map<string, SerialState>;
  /**
   * With `trackCustody`: every object's holders in the order they took it (its commissioner or first packer first,
   * then each receiver), the history DSCSA transaction information and recall consignees are built from.
   */
  custody: Map<string, CustodyChange[]>;
}

export interface FoldOptions {
  /** Record each object's holders over time (`RegistryFold.custody`); off by default (the serial registry needs none). */
  trackCustody?: boolean;
}

/** The order in which events take effect: event time, then record time, then hash (a total, stable order). */
export function compareRegistryEvents(a: RegistryEvent, b: RegistryEvent): number {
  return (
    a.facts.eventTime.getTime() - b.facts.eventTime.getTime() ||
    a.recordTime.getTime() - b.recordTime.getTime() ||
    (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0)
  );
}

/**
 * Replays events in event-time order into the state of every serialised item and container they name. Because the
 * result depends only on the set of events (never on their arrival order), replaying a family of related items after
 * a late event gives exactly what in-order processing would have. Events carrying an error declaration are retracted
 * and take no effect. Events on a container apply to everything packed in it at that moment.
 *
 * Only a party with authority over an object at that point of the history changes it (`authority` in custody.ts,
 * docs/authorisation.md): an event by anyone else is kept as an observation and leaves that object as it was.
 */
export function foldRegistry(events: readonly RegistryEvent[], options: FoldOptions = {}): RegistryFold {
  return new RegistryReplay(options.trackCustody === true).run([...events].sort(compareRegistryEvents));
}

class RegistryReplay {
  private readonly states = new Map<string, SerialState>();
  private readonly children = new Map<string, Set<string>>();
  private readonly custody = new Map<string, CustodyChange[]>();

  constructor(private readonly trackCustody: boolean) {}

  run(events: RegistryEvent[]): RegistryFold {
    for (const event of events) if (!event.facts.errorDeclared) this.apply(event);
    return { states: this.states, custody: this.custody };
  }

  /** Makes `party` the holder of `state` (recording the change when custody is tracked). */
  private setOwner(state: SerialState, party: string, event: RegistryEvent): void {
    if (state.owner === party) return;
    state.owner = party;
    if (!this.trackCustody) return;
    const trail = this.custody.get(state.key) ?? [];
    trail.push({ party, eventHash: event.hash, eventTime: event.facts.eventTime });
    this.custody.set(state.key, trail);
  }

  private apply(event: RegistryEvent): void {
    const { facts } = event;
    const byRole = (role: NamedIdentifier['role']) => facts.identifiers.filter((i) => i.role === role);
    const status = statusFromEvent(facts.disposition, facts.bizStep);

    switch (facts.type) {
      case 'ObjectEvent':
      case 'TransactionEvent': {
        for (const [id, actor] of this.actors([...byRole('epc'), ...byRole('parent')], event)) {
          const state = this.ensure(id, event);
          if (facts.type === 'ObjectEvent' && facts.action === 'ADD') {
            this.commission(state, event, status, actor);
          } else if (facts.type === 'ObjectEvent' && facts.action === 'DELETE') {
            this.setParent(state, null);
            this.setStatus(state, status ?? 'decommissioned', event);
          } else if (facts.disposition === RELEASE_DISPOSITION) {
            if (event.capturedByAdmin === true) this.release(state, event);
          } else {
            this.observe(state, status, event, actor);
          }
          this.locate(state, event, actor);
        }
        break;
      }
      case 'AggregationEvent': {
        const [parentId] = byRole('parent');
        const parentActor = parentId && this.actor(parentId, event);
        if (!parentId || !parentActor) break;
        const parent = this.ensure(parentId, event, 'container');
        // A new container belongs to the party that first packs it.
        if (facts.action === 'ADD' && parent.owner === undefined) this.setOwner(parent, parentActor, event);
        const listed = this.actors(byRole('child'), event).map(
          ([id, actor]) => [this.ensure(id, event), actor] as const,
        );
        // DELETE without children unpacks everything the parent holds.
        const children =
          facts.action === 'DELETE' && byRole('child').length === 0
            ? [...(this.children.get(parent.key) ?? [])].map(
                (key) => [this.states.get(key)!, parentActor] as const,
              )
            : listed;
        if (facts.action === 'ADD') for (const [child] of children) this.setParent(child, parent.key);
        if (facts.action === 'DELETE') for (const [child] of children) this.setParent(child, null);
        for (const [state, actor] of [[parent, parentActor] as const, ...children]) {
          this.observe(state, status, event, actor);
          this.locate(state, event, actor);
        }
        break;
      }
      case 'TransformationEvent': {
        for (const [id] of this.actors(byRole('input'), event)) {
          const state = this.ensure(id, event);
          this.setStatus(state, status ?? 'transformed', event);
        }
        for (const [id, actor] of this.actors(byRole('output'), event)) {
          const state = this.ensure(id, event);
          this.commission(state, event, status, actor);
          this.locate(state, event, actor);
        }
        break;
      }
      default:
        break;
    }
  }

  /**
   * The party on whose behalf the event acts on the object it names as `id` at this point of the replay: its capturer,
   * or a principal that appointed the capturer as agent; undefined when the event is an observation for that object.
   */
  private actor(id: NamedIdentifier, event: RegistryEvent): string | undefined {
    const act = custodyAct(event.facts, id.role);
    return actingParty(this.states.get(id.key), id.key, capturerOf(event), act, event.appointedBy);
  }

  /** The identifiers of `ids` the event may act on, each with the party it acts for. */
  private actors(ids: NamedIdentifier[], event: RegistryEvent): Array<[NamedIdentifier, string]> {
    return ids.flatMap((id) => {
      const actor = this.actor(id, event);
      return actor === undefined ? [] : [[id, actor] as [NamedIdentifier, string]];
    });
  }

  private commission(
    state: SerialState,
    event: RegistryEvent,
    status: PackStatus | undefined,
    actor: string,
  ): void {
    const { facts } = event;
    state.commissioned = true;
    state.lot = facts.lot ?? state.lot;
    state.expiry = facts.expiry ?? state.expiry;
    if (state.owner === undefined) this.setOwner(state, actor, event);
    state.commissionedBy ??= actor;
    this.setStatus(state, status ?? 'active', event);
  }

  /** Status, custody and location changes of an observation apply to the object and to everything packed in it. */
  private observe(
    state: SerialState,
    status: PackStatus | undefined,
    event: RegistryEvent,
    actor: string,
  ): void {
    const targets = [state, ...this.descendants(state.key)];
    for (const target of targets) {
      if (status !== undefined) this.setStatus(target, status, event);
      if (target !== state) this.locate(target, event, actor);
    }
  }

  /**
   * Location, and custody for a shipping or receiving: a receiving makes the `owning_party` it names the holder, else
   * `actor` (an agent's receiving always makes its principal the holder).
   */
  private locate(state: SerialState, event: RegistryEvent, actor: string): void {
    const { facts } = event;
    if (facts.bizLocation !== undefined) state.location = facts.bizLocation;
    if (isReceiving(facts)) {
      // An agent receives for its principal, whatever owning party it names.
      this.setOwner(state, actor === event.capturedBy ? (facts.destinationOwner ?? actor) : actor, event);
      delete state.shippedTo;
    }
    if (isShipping(facts) && facts.destinationParties.length > 0) state.shippedTo = facts.destinationParties;
    state.lastEventHash = event.hash;
    state.lastEventTime = facts.eventTime;
  }

  private descendants(key: string): SerialState[] {
    const found: SerialState[] = [];
    const pending = [...(this.children.get(key) ?? [])];
    const seen = new Set<string>([key]);
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      found.push(this.states.get(next)!);
      pending.push(...(this.children.get(next) ?? []));
    }
    return found;
  }

  /** A hold ends: back to what the events during it gave (active when none). */
  private release(state: SerialState, event: RegistryEvent): void {
    if (!isHold(state.status)) return;
    const status = state.heldStatus ?? 'active';
    delete state.heldStatus;
    this.setStatus(state, status, event);
  }

  private setStatus(state: SerialState, status: PackStatus, event: RegistryEvent): void {
    // A held pack keeps its hold against anything but an admin's event or a terminal state; what the event would have
    // done is what a release returns it to.
    if (isHold(state.status) && event.capturedByAdmin !== true && !isTerminal(status)) {
      state.heldStatus = status;
      return;
    }
    // A rejection is not lowered to a quarantine (a later excursion's); only a release ends it.
    if (state.status === 'rejected' && status === 'quarantined') return;
    // A pack that has left the supply chain (dispensed, destroyed, …) is not held: a hold keeps stock from being sold,
    // and the pack keeps the state that says where it went.
    if (isHold(status) && isTerminal(state.status)) return;
    if (isHold(status) && !isHold(state.status)) state.heldStatus = state.status;
    if (!isHold(status)) delete state.heldStatus;
    if (state.status === status) return;
    state.status = status;
    state.statusEventHash = event.hash;
    state.statusChangedAt = event.facts.eventTime;
  }

  private setParent(state: SerialState, parentKey: string | null): void {
    if (state.parentKey === parentKey) return;
    if (state.parentKey !== null) this.children.get(state.parentKey)?.delete(state.key);
    state.parentKey = parentKey;
    if (parentKey !== null) {
      if (!this.children.has(parentKey)) this.children.set(parentKey, new Set());
      this.children.get(parentKey)!.add(state.key);
    }
  }

  private ensure(id: NamedIdentifier, event: RegistryEvent, kind?: SerialState['kind']): SerialState {
    const existing = this.states.get(id.key);
    if (existing) {
      if (kind === 'container' && existing.kind === 'other') existing.kind = 'container';
      return existing;
    }
    const item = itemOfKey(id.key);
    const state: SerialState = {
      key: id.key,
      epc: id.value,
      kind: item.gtin ? 'item' : item.sscc ? 'container' : (kind ?? 'other'),
      gtin: item.gtin,
      serial: item.serial,
      commissioned: false,
      status: 'inactive',
      statusEventHash: event.hash,
      statusChangedAt: event.facts.eventTime,
      parentKey: null,
      lastEventHash: event.hash,
      lastEventTime: event.facts.eventTime,
    };
    this.states.set(id.key, state);
    return state;
  }
}
