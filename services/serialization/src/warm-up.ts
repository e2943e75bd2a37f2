import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Principal } from '@pedigree/auth';
import { EPCIS_CONTEXT_URI } from '@pedigree/epcis';
import { SERVICE_CONFIG, WarmUp, type WarmUpHttp } from '@pedigree/service-runtime';
import { CaptureService } from './capture/capture.service';
import type { SerializationConfig } from './config';
import { QueryAnswers } from './query/query-answers';
import { decideVerify, decideVrs } from './verification/decisions';
import { parsePackInput } from './verification/pack-request';
import type { PackRecord } from './verification/pack-view';
import { packKey, VerificationService } from './verification/verification.service';
import { parseVrsRequest } from './verification/vrs-request';

// Synthetic identifiers in GS1's demonstration range (prefix 952): no real product, party or pack has them.
const GTIN = '09520123456788';
const COMPANY_PREFIX = '952012';
const PARTY = '9520123000004';
const LOT = 'WARMUP';
const EXPIRY = '281231';
const SERIALS = 64;
/** Registry reads at once in a VRS round: the database pool's size, so that every connection is opened and used. */
const CONCURRENT_READS = 10;

const PRINCIPAL: Principal = {
  subject: 'warm-up',
  party: PARTY,
  roles: ['manufacturer'],
  gcps: [COMPANY_PREFIX],
};

function vrsQuery(round: number): Record<string, string> {
  return {
    exp: EXPIRY,
    linkType: 'verificationService',
    context: 'dscsaSaleableReturn',
    reqGLN: PARTY,
    corrUUID: `00000000-0000-4000-8000-${String(round).padStart(12, '0')}`,
  };
}

/** A commissioned, active pack as the registry would hold it (for the decisions; never stored). */
function syntheticPack(serial: string): PackRecord {
  return {
    registry: {
      key: packKey(GTIN, serial),
      gtin: GTIN,
      serial,
      lot: LOT,
      expiry: '2028-12-31',
      commissioned: true,
      status: 'active',
      statusEventHash: 'ni:///sha-256;warm-up?ver=CBV2.0',
      statusChangedAt: new Date(Date.UTC(2026, 0, 1)),
      owner: PARTY,
    },
  };
}

function commissioningDocument(round: number): string {
  return JSON.stringify({
    '@context': EPCIS_CONTEXT_URI,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-01-01T00:00:00.000Z',
    epcisBody: {
      eventList: Array.from({ length: 4 }, (_, i) => ({
        type: 'ObjectEvent',
        action: 'ADD',
        eventTime: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
        eventTimeZoneOffset: '+00:00',
        epcList: [`urn:epc:id:sgtin:${COMPANY_PREFIX}.0345678.W${round}x${i}`],
        bizStep: 'commissioning',
        disposition: 'active',
        ilmd: { 'cbvmda:lotNumber': LOT, 'cbvmda:itemExpirationDate': '2028-12-31' },
      })),
    },
  });
}

/**
 * The serialization service's hot paths for the warm-up (WarmUp in libs/service-runtime), on synthetic input:
 * - `vrs`: a VRS request through the HTTP stack (without a token, so it ends in the guard's 401 and records nothing)
 *   and `/health/live` (an answered request), then ten requests parsed, read from the registry at once (serials that
 *   do not exist; every connection of the pool opened and used), decided and serialised as the controller does,
 *   without recording them;
 * - `pack-verify`: a pack request parsed and decided against a commissioned pack held in memory;
 * - `capture`: a commissioning document parsed, validated and hashed as capture prepares it (nothing published);
 * - `query`: EPCIS query parameters parsed.
 */
@Injectable()
export class SerializationWarmUp implements OnModuleInit {
  constructor(
    private readonly warmUp: WarmUp,
    private readonly verification: VerificationService,
    private readonly capture: CaptureService,
    private readonly queries: QueryAnswers,
    @Inject(SERVICE_CONFIG) private readonly config: SerializationConfig,
  ) {}

  onModuleInit(): void {
    let round = 0;
    const serial = () => `WARMUP${round % SERIALS}`;
    this.warmUp.register('vrs', async (http) => {
      round += 1;
      await this.vrs(http, serial(), round);
    });
    this.warmUp.register('pack-verify', async () => this.packVerify(serial()));
    this.warmUp.register('capture', async () => this.captureDocument(round));
    this.warmUp.register('query', async () => this.query(serial()));
  }

  private async vrs(http: WarmUpHttp, serial: string, round: number): Promise<void> {
    const query = vrsQuery(round);
    const refused = await http.inject({
      method: 'GET',
      url: `/verify/gtin/${GTIN}/lot/${LOT}/ser/${serial}?${new URLSearchParams(query).toString()}`,
      headers: { 'gs1us-version': '1.3.0', accept: 'application/json' },
    });
    if (refused.statusCode !== 401) throw new Error(`VRS without a token answered ${refused.statusCode}`);
    // A 200 through the same stack (Fastify's and Nest's path of an answered request).
    const live = await http.inject({ method: 'GET', url: '/health/live' });
    if (live.statusCode !== 200) throw new Error(`/health/live answered ${live.statusCode}`);
    await Promise.all(
      Array.from({ length: CONCURRENT_READS }, async (_, i) => {
        const request = parseVrsRequest(
          { gtin: GTIN, lot: LOT, serial: `${serial}x${i}`, query, version: '1.3.0' },
          this.config.VRS_CONTEXTS,
        );
        const { response } = await this.verification.answerVrs(
          request,
          this.config.VRS_RESPONDER_GLN ?? PARTY,
        );
        JSON.stringify(response);
      }),
    );
  }

  private packVerify(serial: string): void {
    const input = parsePackInput({ gtin: GTIN, serial, lot: LOT, expiry: '2028-12-31', location: PARTY });
    const pack = syntheticPack(serial);
    decideVerify(pack, input, { productKnown: true, batchKnown: true });
    decideVrs(pack, input, new Date());
  }

  private async captureDocument(round: number): Promise<void> {
    const document = await this.capture.parse(commissioningDocument(round), 'json');
    this.capture.prepare(document, PRINCIPAL, {
      captureId: 'warm-up',
      recordTime: new Date().toISOString(),
    });
  }

  private query(serial: string): void {
    this.queries.parse(
      new URLSearchParams({
        eventType: 'ObjectEvent|AggregationEvent',
        GE_eventTime: '2026-01-01T00:00:00.000Z',
        MATCH_epc: `urn:epc:id:sgtin:${COMPANY_PREFIX}.0345678.${serial}`,
        EQ_bizStep: 'commissioning',
        perPage: '10',
      }),
    );
  }
}
