import { authority, custodyAct, isReceiving, isShipping, type Capturer, type Custody } from './custody';
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
  facts: EventFacts;
}

function capturerOf(event: RegistryEvent): Capturer {
  return { party: event.capturedBy, admin: event.capturedByAdmin === true, gcps: event.capturedByGcps };
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

export interface RegistryFold {
  states: Map<string, SerialState>;
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
export function foldRegistry(events: readonly RegistryEvent[]): RegistryFold {
  return new RegistryReplay().run([...events].sort(compareRegistryEvents));
}

class RegistryReplay {
  private readonly states = new Map<string, SerialState>();
  private readonly children = new Map<string, Set<string>>();

  run(events: RegistryEvent[]): RegistryFold {
    for (const event of events) if (!event.facts.errorDeclared) this.apply(event);
    return { states: this.states };
  }

  private apply(event: RegistryEvent): void {
    const { facts } = event;
    const byRole = (role: NamedIdentifier['role']) => facts.identifiers.filter((i) => i.role === role);
    const status = statusFromEvent(facts.disposition, facts.bizStep);

    switch (facts.type) {
      case 'ObjectEvent':
      case 'TransactionEvent': {
        const targets = [...byRole('epc'), ...byRole('parent')].filter((id) => this.mayAct(id, event));
        for (const id of targets) {
          const state = this.ensure(id, event);
          if (facts.type === 'ObjectEvent' && facts.action === 'ADD') {
            this.commission(state, event, status);
          } else if (facts.type === 'ObjectEvent' && facts.action === 'DELETE') {
            this.setParent(state, null);
            this.setStatus(state, status ?? 'decommissioned', event);
          } else if (facts.disposition === RELEASE_DISPOSITION) {
            if (event.capturedByAdmin === true) this.release(state, event);
          } else {
            this.observe(state, status, event);
          }
          this.locate(state, event);
        }
        break;
      }
      case 'AggregationEvent': {
        const [parentId] = byRole('parent');
        if (!parentId || !this.mayAct(parentId, event)) break;
        const parent = this.ensure(parentId, event, 'container');
        // A new container belongs to the party that first packs it.
        if (facts.action === 'ADD') parent.owner ??= event.capturedBy;
        const listed = byRole('child')
          .filter((id) => this.mayAct(id, event))
          .map((id) => this.ensure(id, event));
        // DELETE without children unpacks everything the parent holds.
        const children =
          facts.action === 'DELETE' && byRole('child').length === 0
            ? [...(this.children.get(parent.key) ?? [])].map((key) => this.states.get(key)!)
            : listed;
        if (facts.action === 'ADD') for (const child of children) this.setParent(child, parent.key);
        if (facts.action === 'DELETE') for (const child of children) this.setParent(child, null);
        for (const state of [parent, ...children]) {
          this.observe(state, status, event);
          this.locate(state, event);
        }
        break;
      }
      case 'TransformationEvent': {
        for (const id of byRole('input').filter((i) => this.mayAct(i, event))) {
          const state = this.ensure(id, event);
          this.setStatus(state, status ?? 'transformed', event);
        }
        for (const id of byRole('output').filter((i) => this.mayAct(i, event))) {
          const state = this.ensure(id, event);
          this.commission(state, event, status);
          this.locate(state, event);
        }
        break;
      }
      default:
        break;
    }
  }

  /** Whether the event's capturer has authority over the object it names as `id` at this point of the replay. */
  private mayAct(id: NamedIdentifier, event: RegistryEvent): boolean {
    const act = custodyAct(event.facts, id.role);
    return authority(this.states.get(id.key), id.key, capturerOf(event), act) !== undefined;
  }

  private commission(state: SerialState, event: RegistryEvent, status: PackStatus | undefined): void {
    const { facts } = event;
    state.commissioned = true;
    state.lot = facts.lot ?? state.lot;
    state.expiry = facts.expiry ?? state.expiry;
    state.owner ??= event.capturedBy;
    state.commissionedBy ??= event.capturedBy;
    this.setStatus(state, status ?? 'active', event);
  }

  /** Status, custody and location changes of an observation apply to the object and to everything packed in it. */
  private observe(state: SerialState, status: PackStatus | undefined, event: RegistryEvent): void {
    const targets = [state, ...this.descendants(state.key)];
    for (const target of targets) {
      if (status !== undefined) this.setStatus(target, status, event);
      if (target !== state) this.locate(target, event);
    }
  }

  private locate(state: SerialState, event: RegistryEvent): void {
    const { facts } = event;
    if (facts.bizLocation !== undefined) state.location = facts.bizLocation;
    if (isReceiving(facts)) {
      state.owner = facts.destinationOwner ?? event.capturedBy;
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
