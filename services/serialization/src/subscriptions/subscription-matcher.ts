import type { Principal, Role } from '@pedigree/auth';
import type { EpcisEventMessage } from '@pedigree/contracts';
import { errorDeclarationHash } from '@pedigree/epcis';
import { seesEveryParty } from '@pedigree/auth';
import { eventRow } from '../projection/event-row';
import type { EventQuery } from '../query/event-query';
import type { CandidateEvent, EventQueryRepository } from '../query/event-query.repository';
import type { Enqueued, Subscription, SubscriptionRepository } from './subscription.repository';

/** The key of one delivery: an event once, each of its error declarations once more. */
export function entryKeyOf(message: Pick<EpcisEventMessage, 'eventHash' | 'event' | 'namespaces'>): string {
  const declaration = message.event.errorDeclaration;
  return declaration === undefined
    ? message.eventHash
    : errorDeclarationHash(message.eventHash, declaration, message.namespaces);
}

/** Where a subscription's events begin: its initialRecordTime, else when it was created. */
export function startOf(subscription: Pick<Subscription, 'initialRecordTime' | 'createdAt'>): Date {
  return subscription.initialRecordTime ?? subscription.createdAt;
}

export function subscriberOf(subscription: Pick<Subscription, 'id' | 'party' | 'roles'>): Principal {
  return {
    subject: `subscription:${subscription.id}`,
    party: subscription.party,
    roles: subscription.roles as Role[],
    gcps: [],
  };
}

/**
 * Matches each batch of captured events (from Kafka, before or while the projector stores them) against every
 * subscription's named query, as its subscriber may see them, and queues the matches: the same SQL as GET /events,
 * run over the batch (EventQueryRepository.matching). Subscriptions sharing a query and a view are matched once.
 */
export class SubscriptionMatcher {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly queries: EventQueryRepository,
    private readonly parse: (params: URLSearchParams) => EventQuery,
  ) {}

  async match(messages: EpcisEventMessage[]): Promise<number> {
    const all = await this.subscriptions.all();
    if (all.length === 0 || messages.length === 0) return 0;
    const candidates = messages.map((message) => {
      const { row, facts } = eventRow(message);
      const candidate: CandidateEvent = {
        row: row as unknown as CandidateEvent['row'],
        identifiers: facts.identifiers.map((i) => ({ key: i.key, role: i.role })),
      };
      return { message, candidate, recordTime: new Date(message.recordTime) };
    });
    const groups = new Map<string, Array<Subscription & { params: string }>>();
    for (const subscription of all) {
      const view = seesEveryParty(subscriberOf(subscription)) ? '*' : subscription.party;
      const key = `${view}\n${subscription.params}`;
      groups.set(key, [...(groups.get(key) ?? []), subscription]);
    }
    const entries: Enqueued[] = [];
    for (const group of groups.values()) {
      const earliest = Math.min(...group.map((s) => startOf(s).getTime()));
      const inWindow = candidates.filter((c) => c.recordTime.getTime() >= earliest);
      if (inWindow.length === 0) continue;
      const matched = await this.queries.matching(
        this.parse(new URLSearchParams(group[0]!.params)),
        subscriberOf(group[0]!),
        inWindow.map((c) => c.candidate),
      );
      for (const subscription of group) {
        for (const { message, recordTime } of inWindow) {
          if (!matched.has(message.eventHash) || recordTime < startOf(subscription)) continue;
          entries.push({
            subscriptionId: subscription.id,
            eventHash: message.eventHash,
            entryKey: entryKeyOf(message),
            event: message.event as unknown as Record<string, unknown>,
            namespaces: message.namespaces,
            capturerGcps: message.capturedByGcps ?? [],
          });
        }
      }
    }
    return this.subscriptions.enqueue(entries);
  }
}
