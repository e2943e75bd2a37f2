import type { Principal, Role } from '@pedigree/auth';
import type { EpcisEventMessage } from '@pedigree/contracts';
import { errorDeclarationHash } from '@pedigree/epcis';
import { seesEveryParty } from '@pedigree/auth';
import { eventRow } from '../projection/event-row';
import type { EventQuery } from '../query/event-query';
import type { CandidateEvent, EventQueryRepository } from '../query/event-query.repository';
import type { EventCopy, FeedAppend, Subscription, SubscriptionRepository } from './subscription.repository';

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

/** Whose events a subscriber sees: '*' (every party's) or its party's. */
export function viewOf(subscription: Pick<Subscription, 'id' | 'party' | 'roles'>): string {
  return seesEveryParty(subscriberOf(subscription)) ? '*' : subscription.party;
}

/**
 * The feed a new subscription reads: the one shared by the subscriptions with the same query parameters and view, or
 * one of its own when it starts in the past (its feed is filled from the store first).
 */
export function feedKeyOf(
  subscription: Pick<Subscription, 'id' | 'party' | 'roles' | 'initialRecordTime'>,
  params: string,
  now: Date,
): string {
  return subscription.initialRecordTime !== null && subscription.initialRecordTime < now
    ? `subscription:${subscription.id}`
    : `${viewOf(subscription)}\n${params}`;
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
 * subscription's named query, as its subscriber may see them, and appends the matches to the subscriptions' feeds:
 * the same SQL as GET /events, run over the batch (EventQueryRepository.matching). Subscriptions sharing query
 * parameters and a view are matched once, and share a feed (but those of their own, started in the past).
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
      const key = `${viewOf(subscription)}\n${subscription.params}`;
      groups.set(key, [...(groups.get(key) ?? []), subscription]);
    }
    const events = new Map<string, EventCopy>();
    const feeds: FeedAppend[] = [];
    for (const group of groups.values()) {
      const earliest = Math.min(...group.map((s) => startOf(s).getTime()));
      const inWindow = candidates.filter((c) => c.recordTime.getTime() >= earliest);
      if (inWindow.length === 0) continue;
      const matched = await this.queries.matching(
        this.parse(new URLSearchParams(group[0]!.params)),
        subscriberOf(group[0]!),
        inWindow.map((c) => c.candidate),
      );
      // Each feed once, from the earliest start of its subscriptions (each receives only its own from its start).
      const feedStarts = new Map<number, number>();
      for (const s of group)
        feedStarts.set(s.feedId, Math.min(feedStarts.get(s.feedId) ?? Infinity, startOf(s).getTime()));
      for (const [feedId, start] of feedStarts) {
        const entries = inWindow.filter(
          (c) => matched.has(c.message.eventHash) && c.recordTime.getTime() >= start,
        );
        for (const { message } of entries) {
          const copy = eventCopyOf(message);
          events.set(copy.entryKey, copy);
        }
        feeds.push({
          feedId,
          entries: entries.map((c) => ({ entryKey: entryKeyOf(c.message), recordTime: c.recordTime })),
        });
      }
    }
    return this.subscriptions.append([...events.values()], feeds);
  }
}

function eventCopyOf(message: EpcisEventMessage): EventCopy {
  return {
    eventHash: message.eventHash,
    entryKey: entryKeyOf(message),
    event: message.event as unknown as Record<string, unknown>,
    namespaces: message.namespaces,
    capturerGcps: message.capturedByGcps ?? [],
  };
}
