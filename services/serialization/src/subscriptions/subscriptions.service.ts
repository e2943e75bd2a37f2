import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Admin, Kafka } from 'kafkajs';
import type { PoolClient } from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';
import { TOKEN_VERIFIER, type Principal, type TokenVerifier } from '@pedigree/auth';
import type { SubscriptionSchedule, Topics } from '@pedigree/contracts';
import { isTransientDatabaseError, type DatabaseHandle } from '@pedigree/database';
import { BatchConsumer, groupHasPassed, topicEnds, type TopicEnds } from '@pedigree/kafka';
import {
  DATABASE,
  KAFKA,
  LOGGER,
  ReadinessChecks,
  SERVICE_CONFIG,
  TOPICS,
  type Logger,
} from '@pedigree/service-runtime';
import type { SerializationConfig } from '../config';
import { PROJECTOR_GROUP } from '../projection/projection-consumers';
import { encodePageToken } from '../query/event-query';
import { EventQueryRepository } from '../query/event-query.repository';
import { DEFAULT_EPC_FORMAT, EPC_FORMATS, type EpcFormat } from '../query/presentation';
import { QueryAnswers } from '../query/query-answers';
import { NamedQueryRepository, type NamedQuery } from './named-query.repository';
import { parseSchedule, nextRun, ScheduleError } from './schedule';
import { SubscriptionBackfill, type StoredPage } from './subscription-backfill';
import { SubscriptionDeliverer } from './subscription-deliverer';
import { entryKeyOf, feedKeyOf, startOf, subscriberOf, SubscriptionMatcher } from './subscription-matcher';
import { SubscriptionRepository, type Subscription } from './subscription.repository';

export const SUBSCRIPTION_MATCHER_GROUP = 'serialization.subscriptions';
/**
 * How long POST …/subscriptions waits for the backfill of a subscription starting in the past before it answers (the
 * backfill goes on; nothing is delivered to the subscription until it is done).
 */
const BACKFILL_ANSWER_WAIT_MS = 5000;

/** What a subscription asks, from a POST body or a WebSocket handshake's query string. */
export interface SubscriptionRequestOptions {
  dest: string | null;
  signatureToken: string | null;
  stream: boolean;
  schedule: SubscriptionSchedule | null;
  reportIfEmpty: boolean;
  initialRecordTime: Date | null;
  epcFormat: EpcFormat;
}

export class SubscriptionControlsError extends Error {}

/** Checks stream/schedule (exactly one) and the schedule's fields; the first run of a schedule. */
export function checkControls(options: Pick<SubscriptionRequestOptions, 'stream' | 'schedule'>): Date | null {
  if (options.stream && options.schedule)
    throw new SubscriptionControlsError('stream and schedule exclude each other');
  if (!options.stream && !options.schedule)
    throw new SubscriptionControlsError('give stream: true or a schedule');
  if (!options.schedule) return null;
  try {
    return nextRun(parseSchedule(options.schedule), new Date()) ?? null;
  } catch (error) {
    if (error instanceof ScheduleError) throw new SubscriptionControlsError(error.message);
    throw error;
  }
}

/**
 * Query subscriptions (ADR 0020): the matcher (a Kafka consumer group of its own on epcis.events.v1, on every replica)
 * appends what each subscription's query selects to its feed, the deliverer (on every replica) sends it, WebSocket subscriptions
 * are served by the process holding the socket.
 */
@Injectable()
export class SubscriptionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  private readonly sockets = new Map<string, WebSocket>();
  private readonly deliverer: SubscriptionDeliverer;
  private readonly backfill: SubscriptionBackfill<TopicEnds>;
  private admin: Promise<Admin> | undefined;
  private consumer: BatchConsumer<Topics['epcisEvents']> | undefined;
  private listener: PoolClient | undefined;
  private stopped = false;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(
    private readonly repository: SubscriptionRepository,
    private readonly queries: NamedQueryRepository,
    private readonly events: EventQueryRepository,
    private readonly answers: QueryAnswers,
    private readonly httpAdapterHost: HttpAdapterHost,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    @Inject(DATABASE) private readonly database: DatabaseHandle<Record<string, unknown>>,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SERVICE_CONFIG) private readonly config: SerializationConfig,
    health: HealthIndicatorService,
    readiness: ReadinessChecks,
  ) {
    this.deliverer = new SubscriptionDeliverer(
      repository,
      { send: (id, body) => this.sendOnSocket(id, body) },
      logger,
      {
        owner: this.owner,
        timeoutMs: config.SUBSCRIPTION_DELIVERY_TIMEOUT_MS,
        maxBackoffSeconds: config.SUBSCRIPTION_MAX_BACKOFF_SECONDS,
        pollMs: config.SUBSCRIPTION_POLL_MS,
        concurrency: config.SUBSCRIPTION_DELIVERY_CONCURRENCY,
      },
    );
    this.backfill = new SubscriptionBackfill(
      repository,
      (subscription, after) => this.storedPage(subscription, after),
      {
        mark: () => this.withAdmin((admin) => topicEnds(admin, topics.epcisEvents.name)),
        reached: (mark) =>
          this.withAdmin((admin) =>
            groupHasPassed(admin, config.KAFKA_TOPIC_PREFIX + PROJECTOR_GROUP, topics.epcisEvents.name, mark),
          ),
      },
      logger,
      { owner: this.owner, waitPollMs: 50, sweepMs: 5000 },
    );
    readiness.register(() => {
      const indicator = health.check('subscriptions');
      return this.consumer?.joined
        ? indicator.up()
        : indicator.down({ message: 'subscription matcher not in its consumer group' });
    });
  }

  onApplicationBootstrap(): void {
    const server = this.httpAdapterHost.httpAdapter.getHttpServer() as import('node:http').Server;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.upgrade(request, socket, head);
    });
    void this.listen();
    this.deliverer.start();
    this.backfill.start();
    void this.startMatcher();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const socket of this.sockets.values()) socket.close(1001, 'service stopping');
    await this.deliverer.stop();
    await this.backfill.close();
    await this.consumer?.stop();
    if (this.admin) await (await this.admin.catch(() => undefined))?.disconnect();
    if (this.listener) {
      this.listener.release(true);
      this.listener = undefined;
    }
  }

  /**
   * Creates a subscription on its feed. One starting in the past (initialRecordTime) reads a feed of its own, filled
   * with the stored events since then (SubscriptionBackfill): a webhook's is answered when that is done or after
   * BACKFILL_ANSWER_WAIT_MS while it goes on, a WebSocket's when it is done.
   */
  async subscribe(
    principal: Principal,
    query: NamedQuery,
    options: SubscriptionRequestOptions,
    socketOwner: string | null = null,
  ): Promise<Subscription> {
    const nextRunAt = checkControls(options);
    const id = randomUUID();
    const feedKey = feedKeyOf(
      {
        id,
        party: principal.party,
        roles: [...principal.roles],
        initialRecordTime: options.initialRecordTime,
      },
      query.params,
      new Date(),
    );
    const backfilled = feedKey === `subscription:${id}`;
    const subscription = await this.repository.create(
      {
        id,
        queryName: query.name,
        party: principal.party,
        roles: [...principal.roles],
        dest: options.dest,
        socketOwner,
        signatureToken: options.signatureToken,
        stream: options.stream,
        schedule: options.schedule,
        reportIfEmpty: options.reportIfEmpty,
        initialRecordTime: options.initialRecordTime,
        epcFormat: options.epcFormat,
        batchSize: this.config.SUBSCRIPTION_BATCH_SIZE,
        nextRunAt,
      },
      feedKey,
      backfilled ? this.owner : null,
    );
    if (backfilled) {
      const filling = this.backfill.fill(subscription).catch((error: unknown) => {
        this.logger.warn({ err: error, subscription: id }, 'subscription backfill failed');
        return false;
      });
      if (socketOwner !== null) {
        // A WebSocket subscription lives with its socket in this process: it waits for its backfill, and one that
        // failed is dropped (the socket is closed, its client opens another).
        if (await filling) return subscription;
        await this.repository.delete(id);
        throw new Error('the subscription could not be filled from the event store');
      }
      // A webhook's backfill goes on after the answer; if it fails, its lease expires and a replica takes it over.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        filling,
        new Promise((resolve) => (timer = setTimeout(resolve, BACKFILL_ANSWER_WAIT_MS))),
      ]);
      clearTimeout(timer);
    }
    this.deliverer.notify();
    return subscription;
  }

  /**
   * A page of the stored events since the subscription's start (or its query's GE_recordTime, if later) that its query
   * selects, as its subscriber may see them, in record-time order.
   */
  private async storedPage(subscription: Subscription, after: string | undefined): Promise<StoredPage> {
    const query = await this.queries.find(subscription.party, subscription.queryName);
    if (!query) return { events: [], next: undefined };
    const params = new URLSearchParams(query.params);
    const own = params.get('GE_recordTime');
    const start = startOf(subscription);
    if (own === null || !(new Date(own) > start)) params.set('GE_recordTime', start.toISOString());
    params.set('orderBy', 'recordTime');
    params.set('orderDirection', 'ASC');
    params.set('perPage', String(Math.min(1000, this.config.QUERY_MAX_PAGE_SIZE)));
    if (after !== undefined) params.set('nextPageToken', after);
    const parsed = this.answers.parse(params);
    const { events, next } = await this.events.find(
      { ...parsed, maxEventCount: undefined },
      subscriberOf(subscription),
    );
    return {
      events: events.map((e) => ({
        eventHash: e.eventHash,
        entryKey: entryKeyOf({ eventHash: e.eventHash, event: e.document, namespaces: e.namespaces }),
        event: e.document as unknown as Record<string, unknown>,
        namespaces: e.namespaces,
        capturerGcps: e.capturerGcps,
        recordTime: new Date(e.document.recordTime ?? start),
      })),
      next: next && encodePageToken({ ...next, fingerprint: parsed.fingerprint }),
    };
  }

  /** A Kafka admin client of this process, connected on first use. */
  private async withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    try {
      return await use(await this.admin);
    } catch (error) {
      this.admin = undefined;
      throw error;
    }
  }

  private async startMatcher(): Promise<void> {
    const matcher = new SubscriptionMatcher(this.repository, this.events, (params) =>
      this.answers.parse(params),
    );
    while (!this.stopped) {
      const consumer = new BatchConsumer({
        kafka: this.kafka,
        groupId: this.config.KAFKA_TOPIC_PREFIX + SUBSCRIPTION_MATCHER_GROUP,
        topic: this.topics.epcisEvents,
        handler: async (messages) => {
          await matcher.match(messages.map((m) => m.envelope.payload));
        },
        logger: this.logger,
        isTransient: isTransientDatabaseError,
      });
      try {
        await consumer.start();
        this.consumer = consumer;
        if (this.stopped) await consumer.stop();
        return;
      } catch (error) {
        this.logger.warn({ err: error }, 'subscription matcher could not start; retrying');
        await consumer.stop().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 5000).unref());
      }
    }
  }

  /** LISTEN for appended events, so that deliveries start at once; the deliverer polls as well. */
  private async listen(): Promise<void> {
    while (!this.stopped) {
      try {
        const client = await this.database.pool.connect();
        this.listener = client;
        client.on('notification', () => this.deliverer.notify());
        await client.query('LISTEN subscription_feeds');
        // Until the connection breaks or ends; then LISTEN again on a new one.
        await new Promise<void>((resolve) => {
          client.once('error', () => resolve());
          client.once('end', () => resolve());
        });
        client.release(true);
      } catch (error) {
        this.logger.warn({ err: error }, 'LISTEN for subscription deliveries failed; retrying');
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 1000).unref());
    }
  }

  private async sendOnSocket(id: string, body: Buffer): Promise<boolean> {
    const socket = this.sockets.get(id);
    if (!socket || socket.readyState !== socket.OPEN) return false;
    await new Promise<void>((resolve, reject) =>
      socket.send(body, { binary: false }, (error) => (error ? reject(error) : resolve())),
    );
    return true;
  }

  /** `GET /queries/{name}/events?stream=true` (or a schedule) with `Upgrade: websocket`. */
  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const refuse = (status: number, type: string, detail: string) => {
      const body = JSON.stringify({ type: `epcisException:${type}`, title: type, status, detail });
      socket.end(
        `HTTP/1.1 ${status} ${type}\r\nContent-Type: application/problem+json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const path = /^\/queries\/([^/]+)\/events\/?$/.exec(url.pathname);
      if (!path)
        return refuse(404, 'NoSuchResourceException', 'WebSocket subscriptions: /queries/{name}/events');
      const token = /^Bearer +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (!token) return refuse(401, 'SecurityException', 'a bearer token is required');
      let principal: Principal;
      try {
        principal = await this.verifier.verify(token);
      } catch (error) {
        return refuse(401, 'SecurityException', (error as Error).message);
      }
      const name = decodeURIComponent(path[1]!);
      const query = await this.queries.find(principal.party, name);
      if (!query) return refuse(404, 'NoSuchNameException', `no query ${name}`);
      let options: SubscriptionRequestOptions;
      try {
        options = socketOptions(url.searchParams, request.headers['gs1-epc-format']);
        checkControls(options);
      } catch (error) {
        return refuse(400, 'SubscriptionControlsException', (error as Error).message);
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        void this.subscribe(principal, query, options, this.owner).then(
          (subscription) => {
            this.sockets.set(subscription.id, ws);
            ws.on('close', () => {
              this.sockets.delete(subscription.id);
              void this.repository.delete(subscription.id).catch(() => undefined);
            });
            if (ws.readyState !== ws.OPEN) ws.emit('close');
          },
          (error: unknown) => {
            this.logger.error({ err: error }, 'WebSocket subscription could not be stored');
            ws.close(1011, 'subscription could not be stored');
          },
        );
      });
    } catch (error) {
      this.logger.error({ err: error }, 'WebSocket upgrade failed');
      refuse(500, 'ImplementationException', 'the subscription could not be opened');
    }
  }
}

const SCHEDULE_FIELDS = ['second', 'minute', 'hour', 'dayOfMonth', 'month', 'dayOfWeek'] as const;

/** The subscription a WebSocket handshake asks: `stream=true` or schedule fields, `reportIfEmpty`, `initialRecordTime`. */
export function socketOptions(
  params: URLSearchParams,
  epcFormatHeader: string | string[] | undefined,
): SubscriptionRequestOptions {
  const schedule: SubscriptionSchedule = {};
  for (const field of SCHEDULE_FIELDS) {
    const value = params.get(field);
    if (value !== null) schedule[field] = value;
  }
  const stream = params.get('stream');
  if (stream !== null && stream !== 'true' && stream !== 'false')
    throw new SubscriptionControlsError('stream: true or false');
  const initial = params.get('initialRecordTime');
  const initialRecordTime = initial === null ? null : new Date(initial);
  if (initialRecordTime !== null && Number.isNaN(initialRecordTime.getTime()))
    throw new SubscriptionControlsError('initialRecordTime: not a date-time');
  const format =
    (Array.isArray(epcFormatHeader) ? epcFormatHeader[0] : epcFormatHeader) ?? DEFAULT_EPC_FORMAT;
  if (!(EPC_FORMATS as readonly string[]).includes(format))
    throw new SubscriptionControlsError(`GS1-EPC-Format: one of ${EPC_FORMATS.join(', ')}`);
  return {
    dest: null,
    signatureToken: null,
    stream: stream === 'true',
    schedule: Object.keys(schedule).length > 0 ? schedule : null,
    reportIfEmpty: params.get('reportIfEmpty') === 'true',
    initialRecordTime,
    epcFormat: format as EpcFormat,
  };
}
