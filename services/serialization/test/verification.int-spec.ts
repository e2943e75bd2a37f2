import { randomUUID } from 'node:crypto';
import { topicsWithPrefix } from '@pedigree/contracts';
import { withCheckDigit } from '@pedigree/gs1';
import { createKafkaClient, EnvelopeProducer } from '@pedigree/kafka';
import { createLogger } from '@pedigree/observability';
import { kafkaBrokers, uniqueSuffix } from '@pedigree/testing';
import { epcisDocument, eventually, GTIN, handover, PARTIES, SerializationUnderTest, story } from './harness';

const RESPONDER = PARTIES.manufacturer.party;
/** Other premises of the pharmacy (same company prefix, another location reference). */
const PHARMACY_BRANCH = withCheckDigit('952132100002');

/**
 * A VRS requester written from the GS1 Lightweight Messaging Standard / GS1 US guideline 1.3 (not from the service's
 * code): it builds the verification URI, sends the version header and checks the response message shape.
 */
const REASONS = [
  'No_match_GTIN_Serial',
  'No_match_GTIN_Serial_Lot',
  'No_match_GTIN_Serial_Expiry',
  'No_match_GTIN_Serial_Lot_Expiry',
  'Not_for_re-distribution',
  'Manufacturer_policy',
  'No_reason_provided',
];
const INFOS = ['Expired', 'Recalled', 'Suspect', 'Illegitimate', 'ExpirationExtended'];

interface VrsAnswer {
  status: number;
  body: {
    verificationTimestamp: string;
    responderGLN: string;
    corrUUID: string;
    data: { verified: boolean; verificationFailureReason?: string; additionalInfo?: string };
  };
}

class StandardVrsClient {
  constructor(
    private readonly base: string,
    private readonly token: string | undefined,
    private readonly requester: string,
  ) {}

  uri(
    pi: { gtin: string; lot: string; serial: string; exp: string },
    context = 'dscsaSaleableReturn',
    corrUUID = randomUUID(),
  ): string {
    const path = `/verify/gtin/${pi.gtin}/lot/${encodeURIComponent(pi.lot)}/ser/${encodeURIComponent(pi.serial)}`;
    const query = new URLSearchParams({
      exp: pi.exp,
      linkType: 'verificationService',
      context,
      reqGLN: this.requester,
      corrUUID,
      ctrlPossessAtt: 'true',
      email: 'returns@example.com',
      telephone: '+1 555 0100',
    });
    return `${this.base}${path}?${query.toString()}`;
  }

  async get(uri: string): Promise<{ status: number; body: unknown; version: string | null }> {
    const headers: Record<string, string> = { accept: 'application/json', 'GS1US-Version': '1.3.0' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(uri, { headers });
    const text = await response.text();
    return {
      status: response.status,
      body: response.status === 200 ? JSON.parse(text) : text,
      version: response.headers.get('gs1us-version'),
    };
  }

  async verify(pi: {
    gtin: string;
    lot: string;
    serial: string;
    exp: string;
  }): Promise<VrsAnswer['body']['data']> {
    const corrUUID = randomUUID();
    const { status, body, version } = await this.get(this.uri(pi, 'dscsaSaleableReturn', corrUUID));
    expect(status).toBe(200);
    expect(version).toBe('1.3.0');
    const message = body as VrsAnswer['body'];
    expect(Object.keys(message).sort()).toEqual([
      'corrUUID',
      'data',
      'responderGLN',
      'verificationTimestamp',
    ]);
    expect(message.corrUUID).toBe(corrUUID);
    expect(message.responderGLN).toMatch(/^\d{13}$/);
    expect(Number.isNaN(Date.parse(message.verificationTimestamp))).toBe(false);
    expect(typeof message.data.verified).toBe('boolean');
    for (const key of Object.keys(message.data))
      expect(['verified', 'verificationFailureReason', 'additionalInfo']).toContain(key);
    if (message.data.verificationFailureReason !== undefined) {
      expect(message.data.verified).toBe(false);
      expect(REASONS).toContain(message.data.verificationFailureReason);
    }
    if (message.data.additionalInfo !== undefined) expect(INFOS).toContain(message.data.additionalInfo);
    return message.data;
  }
}

describe('pack verification: DSCSA VRS responder, EU FMD pack operations, clone detection (real Kafka and PostgreSQL)', () => {
  const sut = new SerializationUnderTest();
  const run = uniqueSuffix().slice(-6);
  let manufacturer: string;
  let wholesaler: string;
  let pharmacy: string;
  let otherPharmacy: string;
  let regulator: string;
  let vrs: StandardVrsClient;

  beforeAll(async () => {
    await sut.start({ VRS_RESPONDER_GLN: RESPONDER });
    manufacturer = await sut.token('manufacturer', ['manufacturer']);
    wholesaler = await sut.token('wholesaler', ['distributor']);
    pharmacy = await sut.token('pharmacy', ['dispenser']);
    otherPharmacy = await sut.token('regulator', ['dispenser']);
    regulator = await sut.token('regulator', ['regulator']);
    vrs = new StandardVrsClient(sut.service.baseUrl, wholesaler, PARTIES.wholesaler.party);
  });
  afterAll(() => sut.stop());

  let packCount = 0;
  /**
   * Commissions fresh packs (lot and ISO expiry) and hands them to `holder` (shipped by the manufacturer, received by
   * the holder): only the holder changes a pack (docs/authorisation.md). Waits until the registry has them.
   */
  async function commission(
    count: number,
    lot = `L${run}`,
    expiry = '2028-02-29',
    holder: 'pharmacy' | 'wholesaler' = 'pharmacy',
  ): Promise<string[]> {
    const serials = Array.from({ length: count }, () => `V${run}-${++packCount}`);
    const event = {
      ...story(serials, 1).commission,
      ilmd: { 'cbvmda:lotNumber': lot, 'cbvmda:itemExpirationDate': expiry },
    };
    expect((await sut.capture(epcisDocument([event]), manufacturer)).status).toBe(202);
    const { party } = PARTIES[holder];
    const { shipping, receiving } = handover(serials, holder);
    expect((await sut.capture(epcisDocument([shipping]), manufacturer)).status).toBe(202);
    expect(
      (await sut.capture(epcisDocument([receiving]), holder === 'pharmacy' ? pharmacy : wholesaler)).status,
    ).toBe(202);
    await eventually(
      () => sut.serial(GTIN, serials[count - 1]!),
      (row) => row?.owner === party,
      'packs commissioned and handed over',
    );
    return serials;
  }

  const pi = (serial: string, lot = `L${run}`, exp = '280229') => ({ gtin: GTIN, lot, serial, exp });

  /** The JSON answer of a pack endpoint, loosely typed: the tests assert its shape. */
  type Answer = Record<string, unknown> & {
    returnCode?: string;
    verificationId?: string;
    alert?: unknown;
    pack: Record<string, unknown>;
  };

  async function post(path: string, body: unknown, token: string): Promise<{ status: number; body: Answer }> {
    const response = await fetch(`${sut.service.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  }

  const pack = (serial: string, extra: Record<string, unknown> = {}) => ({
    gtin: GTIN,
    serial,
    lot: `L${run}`,
    expiry: '280229',
    ...extra,
  });

  async function recall(lot: string): Promise<void> {
    const kafka = createKafkaClient({
      brokers: kafkaBrokers(),
      clientId: 'verification-test',
      logger: createLogger('t', 'silent'),
    });
    const producer = new EnvelopeProducer(kafka, 'recall');
    const notice = {
      recallId: `recall-${lot}`,
      gtin: GTIN,
      lots: [lot],
      serials: [],
      classification: 'class-II' as const,
      reason: 'particles',
      issuedBy: RESPONDER,
    };
    await producer.publish(topicsWithPrefix(sut.topicPrefix).recallNotices, [
      {
        key: notice.recallId,
        payload: { ...notice, noticeId: `${lot}-1`, action: 'recall', effectiveAt: '2026-05-01T00:00:00Z' },
      },
    ]);
    await producer.disconnect();
  }

  describe('DSCSA VRS responder', () => {
    it('verifies a commissioned pack and answers each failure reason of a mismatch', async () => {
      const [serial] = await commission(1);
      expect(await vrs.verify(pi(serial!))).toEqual({ verified: true });
      expect(await vrs.verify(pi(`${serial}-X`))).toEqual({
        verified: false,
        verificationFailureReason: 'No_match_GTIN_Serial',
      });
      expect(await vrs.verify(pi(serial!, 'OTHER'))).toEqual({
        verified: false,
        verificationFailureReason: 'No_match_GTIN_Serial_Lot',
      });
      expect(await vrs.verify(pi(serial!, `L${run}`, '280228'))).toEqual({
        verified: false,
        verificationFailureReason: 'No_match_GTIN_Serial_Expiry',
      });
      expect(await vrs.verify(pi(serial!, 'OTHER', '280228'))).toEqual({
        verified: false,
        verificationFailureReason: 'No_match_GTIN_Serial_Lot_Expiry',
      });
      // DD=00 stands for the last day of the month (GS1 General Specifications, AI 17).
      expect(await vrs.verify(pi(serial!, `L${run}`, '280200'))).toEqual({ verified: true });
    });

    it('answers Not_for_re-distribution for a dispensed pack, Manufacturer_policy for a locked one, No_reason_provided for a sample, Illegitimate for a stolen one', async () => {
      const [dispensed] = await commission(1);
      const [locked, sample, stolen] = await commission(3, undefined, undefined, 'wholesaler');
      const dispensing = { ...story([dispensed!], 1).dispensing };
      expect((await sut.capture(epcisDocument([dispensing]), pharmacy)).status).toBe(202);
      await eventually(
        () => sut.serial(GTIN, dispensed!),
        (r) => r?.status === 'dispensed',
        'dispensed',
      );
      expect(await vrs.verify(pi(dispensed!))).toEqual({
        verified: false,
        verificationFailureReason: 'Not_for_re-distribution',
      });

      expect((await post('/packs/lock', pack(locked!), wholesaler)).status).toBe(200);
      expect(await vrs.verify(pi(locked!))).toEqual({
        verified: false,
        verificationFailureReason: 'Manufacturer_policy',
      });
      expect((await post('/packs/sample', pack(sample!), wholesaler)).status).toBe(200);
      expect(await vrs.verify(pi(sample!))).toEqual({
        verified: false,
        verificationFailureReason: 'No_reason_provided',
      });
      expect((await post('/packs/stolen', pack(stolen!), wholesaler)).status).toBe(200);
      expect(await vrs.verify(pi(stolen!))).toEqual({
        verified: false,
        verificationFailureReason: 'Not_for_re-distribution',
        additionalInfo: 'Illegitimate',
      });
    });

    it('adds Recalled, Expired and ExpirationExtended', async () => {
      const recalledLot = `RL${run}`;
      const [recalled] = await commission(1, recalledLot);
      await recall(recalledLot);
      await eventually(
        () => sut.serial(GTIN, recalled!),
        (r) => r?.recall_id === `recall-${recalledLot}`,
        'recalled',
      );
      expect(await vrs.verify(pi(recalled!, recalledLot))).toEqual({
        verified: true,
        additionalInfo: 'Recalled',
      });

      const [expired] = await commission(1, `EX${run}`, '2025-06-30');
      expect(await vrs.verify(pi(expired!, `EX${run}`, '250630'))).toEqual({
        verified: true,
        additionalInfo: 'Expired',
      });

      const [extended] = await commission(1, `XT${run}`, '2026-10-31');
      expect(await vrs.verify(pi(extended!, `XT${run}`, '261031'))).toEqual({
        verified: true,
        additionalInfo: 'Expired',
      });
      const announce = await post(
        '/expiry-extensions',
        { gtin: GTIN, lot: `XT${run}`, originalExpiry: '2026-10-31', extendedExpiry: '2027-10-31' },
        manufacturer,
      );
      expect(announce.status).toBe(204);
      expect(await vrs.verify(pi(extended!, `XT${run}`, '261031'))).toEqual({
        verified: true,
        additionalInfo: 'ExpirationExtended',
      });
      expect(await vrs.verify(pi(extended!, `XT${run}`, '271031'))).toEqual({
        verified: true,
        additionalInfo: 'ExpirationExtended',
      });
      expect(
        (
          await post(
            '/expiry-extensions',
            { gtin: GTIN, lot: `XT${run}`, originalExpiry: '2026-10-31', extendedExpiry: '2027-10-31' },
            wholesaler,
          )
        ).status,
      ).toBe(403);
    });

    it('answers the standard’s HTTP errors: bad GTIN check digit, malformed date, unknown context, no token, reqGLN of another party, another method', async () => {
      const [serial] = await commission(1);
      const good = vrs.uri(pi(serial!));
      expect((await vrs.get(good.replace(`/gtin/${GTIN}/`, `/gtin/${GTIN.slice(0, 13)}5/`))).status).toBe(
        400,
      );
      expect((await vrs.get(good.replace('exp=280229', 'exp=281341'))).status).toBe(400);
      expect((await vrs.get(good.replace('exp=280229', 'exp=2802'))).status).toBe(400);
      expect((await vrs.get(vrs.uri(pi(serial!), 'dscsaSomethingElse'))).status).toBe(400);
      expect((await vrs.get(good.replace('linkType=verificationService', 'linkType=pip'))).status).toBe(400);
      expect((await vrs.get(good.replace(/corrUUID=[^&]+/, 'corrUUID=not-a-uuid'))).status).toBe(400);
      expect(
        (await new StandardVrsClient(sut.service.baseUrl, undefined, PARTIES.wholesaler.party).get(good))
          .status,
      ).toBe(401);
      expect(
        (await new StandardVrsClient(sut.service.baseUrl, 'garbage', PARTIES.wholesaler.party).get(good))
          .status,
      ).toBe(401);
      expect(
        (
          await new StandardVrsClient(sut.service.baseUrl, wholesaler, PARTIES.pharmacy.party).get(
            vrs.uri(pi(serial!)).replace(PARTIES.wholesaler.party, PARTIES.pharmacy.party),
          )
        ).status,
      ).toBe(403);
      const unsupported = await fetch(good, {
        headers: { authorization: `Bearer ${wholesaler}`, 'GS1US-Version': '2.0.0' },
      });
      expect(unsupported.status).toBe(400);
      // The guideline's status table has 405 for another method on a verification resource.
      const posted = await fetch(good, {
        method: 'POST',
        headers: { authorization: `Bearer ${wholesaler}` },
      });
      expect(posted.status).toBe(405);
      expect(posted.headers.get('allow')).toContain('GET');
      expect((await fetch(`${sut.service.baseUrl}/verify/gtin/${GTIN}`)).status).toBe(404);
    });

    it('answers checkConnectivity with the responder GLN, 401 without a token', async () => {
      const query = `gtin=${GTIN}&reqGLN=${PARTIES.wholesaler.party}&context=dscsaSaleableReturn`;
      const ok = await fetch(`${sut.service.baseUrl}/checkConnectivity?${query}`, {
        headers: { authorization: `Bearer ${wholesaler}`, 'GS1US-Version': '1.3.0' },
      });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ responderGLN: RESPONDER });
      expect((await fetch(`${sut.service.baseUrl}/checkConnectivity?${query}`)).status).toBe(401);
    });

    it('records every verification: who asked, for whom, when, what was answered', async () => {
      const [serial] = await commission(1);
      const corrUUID = randomUUID();
      expect((await vrs.get(vrs.uri(pi(serial!), 'dscsaSaleableReturn', corrUUID))).status).toBe(200);
      const row = await eventually(
        async () =>
          (await sut.db.query(`SELECT * FROM verifications WHERE corr_uuid = $1`, [corrUUID])).rows[0],
        (r) => r !== undefined,
        'the verification record',
      );
      expect(row).toMatchObject({
        kind: 'vrs',
        party: PARTIES.wholesaler.party,
        requester_gln: PARTIES.wholesaler.party,
        context: 'dscsaSaleableReturn',
        verified: true,
        serial,
      });
      expect(row.answer).toMatchObject({
        corrUUID,
        data: { verified: true },
        ctrlPossessAtt: true,
        email: 'returns@example.com',
      });
    });
  });

  describe('EU FMD pack operations', () => {
    const operations = [
      ['supply', 'dispensed'],
      ['destroy', 'destroyed'],
      ['export', 'exported'],
      ['sample', 'sample'],
      ['free-sample', 'free_sample'],
      ['lock', 'locked'],
      ['stolen', 'stolen'],
      ['check-out', 'checked_out'],
    ] as const;

    it.each(operations)(
      '%s sets the state at once, and the captured event brings the registry there',
      async (operation, state) => {
        const [serial] = await commission(1);
        const answer = await post(`/packs/${operation}`, pack(serial!), pharmacy);
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({
          operation,
          returnCode: 'OK',
          applied: true,
          pack: { state, serial },
        });
        expect(answer.body.alert).toBeUndefined();
        expect((await post('/packs/verify', pack(serial!), regulator)).body.pack.state).toBe(state);
        await eventually(
          () => sut.serial(GTIN, serial!),
          (r) => r?.status === state,
          `registry status ${state}`,
        );
        const again = await post(`/packs/${operation}`, pack(serial!), pharmacy);
        expect(again.status).toBe(409);
        expect(again.body).toMatchObject({
          returnCode: 'ALREADY_IN_STATE',
          applied: false,
          alert: { code: 'ALREADY_IN_STATE' },
        });
        const events = await fetch(
          `${sut.service.baseUrl}/epcs/${encodeURIComponent(`https://id.gs1.org/01/${GTIN}/21/${serial}`)}/events`,
          {
            headers: { authorization: `Bearer ${regulator}` },
          },
        );
        const document = (await events.json()) as {
          epcisBody: { queryResults: { resultsBody: { eventList: unknown[] } } };
        };
        // Commissioning, shipping to the pharmacy, its receiving, the operation.
        expect(document.epcisBody.queryResults.resultsBody.eventList).toHaveLength(4);
      },
    );

    it('lets an admin change a pack another party holds, and the registry follows its event', async () => {
      const [serial] = await commission(1);
      const admin = await sut.token('regulator', ['admin']);
      const answer = await post('/packs/destroy', pack(serial!, { location: PARTIES.pharmacy.party }), admin);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ returnCode: 'OK', applied: true });
      const destroyed = await eventually(
        () => sut.serial(GTIN, serial!),
        (r) => r?.status === 'destroyed',
        'the admin’s destruction in the registry',
      );
      expect(destroyed).toMatchObject({ owner: PARTIES.pharmacy.party });
    });

    it.each(operations)(
      '%s by a party that does not hold the pack, or at premises not its own: 403, nothing changes',
      async (operation) => {
        const [serial] = await commission(1);
        const before = await sut.serial(GTIN, serial!);
        for (const token of [wholesaler, manufacturer, otherPharmacy]) {
          const answer = await post(`/packs/${operation}`, pack(serial!), token);
          expect(answer.status).toBe(403);
          expect(answer.body).toMatchObject({
            returnCode: 'NOT_HOLDER',
            applied: false,
            alert: { code: 'NOT_HOLDER' },
          });
        }
        const elsewhere = await post(
          `/packs/${operation}`,
          pack(serial!, { location: PARTIES.wholesaler.party }),
          pharmacy,
        );
        expect(elsewhere.status).toBe(403);
        expect(elsewhere.body).toMatchObject({ returnCode: 'NOT_OWN_PREMISES', applied: false });
        const verified = await post('/packs/verify', pack(serial!), regulator);
        expect(verified.body).toMatchObject({ returnCode: 'OK', pack: { state: 'active' } });
        expect(await sut.serial(GTIN, serial!)).toEqual(before);
      },
    );

    it('answers NMVS-style codes for unknown product, batch and serial, batch and expiry mismatch, and a pack no longer active', async () => {
      const [serial, supplied] = await commission(2);
      const unknownGtin = withCheckDigit('0614141999999');
      const verify = (body: object) => post('/packs/verify', body, pharmacy);
      expect((await verify({ gtin: unknownGtin, serial: 'S1' })).body).toMatchObject({
        returnCode: 'UNKNOWN_PRODUCT_CODE',
        alert: { code: 'UNKNOWN_PRODUCT_CODE' },
      });
      expect((await verify(pack(`${serial}-X`, { lot: 'NOPE' }))).body).toMatchObject({
        returnCode: 'UNKNOWN_BATCH',
        alert: { code: 'UNKNOWN_BATCH' },
      });
      expect((await verify(pack(`${serial}-X`))).body).toMatchObject({
        returnCode: 'UNKNOWN_SERIAL',
        alert: { code: 'UNKNOWN_SERIAL' },
      });
      expect((await verify(pack(serial!, { lot: 'OTHER' }))).body).toMatchObject({
        returnCode: 'BATCH_MISMATCH',
        alert: { code: 'BATCH_MISMATCH' },
      });
      expect((await verify(pack(serial!, { expiry: '2028-02-28' }))).body).toMatchObject({
        returnCode: 'EXPIRY_MISMATCH',
        alert: { code: 'EXPIRY_MISMATCH' },
      });
      const ok = await verify(pack(serial!));
      expect(ok.body).toMatchObject({
        returnCode: 'OK',
        pack: {
          state: 'active',
          lot: `L${run}`,
          expiry: '2028-02-29',
          expired: false,
          recalled: false,
          suspect: false,
        },
        data: { verified: true },
      });
      expect((await post('/packs/supply', pack(supplied!), pharmacy)).status).toBe(200);
      expect((await verify(pack(supplied!))).body).toMatchObject({
        returnCode: 'PACK_NOT_ACTIVE',
        pack: { state: 'dispensed' },
      });
      const destroy = await post('/packs/destroy', pack(supplied!), pharmacy);
      expect(destroy.status).toBe(409);
      expect(destroy.body).toMatchObject({
        returnCode: 'STATE_CHANGE_NOT_ALLOWED',
        alert: { code: 'STATE_CHANGE_NOT_ALLOWED' },
      });
      expect((await post('/packs/supply', pack(`${serial}-X`), pharmacy)).body.returnCode).toBe(
        'UNKNOWN_SERIAL',
      );
      expect((await post('/packs/teleport', pack(serial!), pharmacy)).status).toBe(404);
      expect((await post('/packs/supply', { gtin: GTIN }, pharmacy)).status).toBe(400);
      expect((await post('/packs/supply', pack(serial!), regulator)).status).toBe(403);
    });

    it('refuses to supply an expired or a recalled pack, but destroys it', async () => {
      const [expired] = await commission(1, `EX${run}`, '2025-06-30');
      const supply = await post(
        '/packs/supply',
        pack(expired!, { lot: `EX${run}`, expiry: '250630' }),
        pharmacy,
      );
      expect({ status: supply.status, code: supply.body.returnCode }).toEqual({
        status: 409,
        code: 'PACK_EXPIRED',
      });
      expect(
        (await post('/packs/destroy', pack(expired!, { lot: `EX${run}`, expiry: '250630' }), pharmacy)).body
          .returnCode,
      ).toBe('OK');

      const lot = `RC${run}`;
      const [recalled] = await commission(1, lot);
      await recall(lot);
      await eventually(
        () => sut.serial(GTIN, recalled!),
        (r) => r?.recall_id !== null,
        'recalled',
      );
      expect((await post('/packs/supply', pack(recalled!, { lot }), pharmacy)).body.returnCode).toBe(
        'PACK_RECALLED',
      );
    });

    it('accepts a scanned Digital Link or raw DataMatrix on POST /verifications', async () => {
      const [serial] = await commission(1);
      const digitalLink = `https://id.gs1.org/01/${GTIN}/10/L${run}/21/${serial}?17=280229`;
      expect((await post('/verifications', { code: digitalLink }, wholesaler)).body).toMatchObject({
        returnCode: 'OK',
        pack: { serial, state: 'active' },
        data: { verified: true },
      });
      const dataMatrix = `]d201${GTIN}1728022910L${run}\u001d21${serial}`;
      expect((await post('/verifications', { code: dataMatrix }, wholesaler)).body).toMatchObject({
        returnCode: 'OK',
        pack: { serial },
      });
      expect(
        (
          await post(
            '/verifications',
            { code: `]d201${GTIN}17280228 10L${run}\u001d21${serial}`.replace(' ', '') },
            wholesaler,
          )
        ).body.returnCode,
      ).toBe('EXPIRY_MISMATCH');
      expect(
        (
          await post(
            '/verifications',
            { code: `https://id.gs1.org/01/${GTIN.slice(0, 13)}5/21/${serial}` },
            wholesaler,
          )
        ).status,
      ).toBe(400);
    });
  });

  describe('undo (Regulation (EU) 2016/161 Art. 13)', () => {
    it('reverts a supply at the same party and premises within 10 days; the registry follows the error declaration', async () => {
      const [serial] = await commission(1);
      expect((await post('/packs/supply', pack(serial!), pharmacy)).status).toBe(200);
      await eventually(
        () => sut.serial(GTIN, serial!),
        (r) => r?.status === 'dispensed',
        'dispensed',
      );
      const undo = await post('/packs/undo', pack(serial!), pharmacy);
      expect(undo.status).toBe(200);
      expect(undo.body).toMatchObject({
        operation: 'undo',
        returnCode: 'OK',
        applied: true,
        pack: { state: 'active' },
      });
      await eventually(
        () => sut.serial(GTIN, serial!),
        (r) => r?.status === 'active',
        'active again in the registry',
      );
      expect((await post('/packs/undo', pack(serial!), pharmacy)).body.returnCode).toBe(
        'UNDO_NOTHING_TO_UNDO',
      );
    });

    it('refuses another party, other premises, after 10 days, an expired, recalled, destroyed or stolen pack, and one supplied to the public', async () => {
      const lot = `UR${run}`;
      const [otherParty, otherPremises, late, expired, destroyed, stolen, toPublic] = await commission(7);
      const [recalled] = await commission(1, lot);
      for (const serial of [otherParty, otherPremises, late, expired, toPublic])
        expect((await post('/packs/supply', pack(serial!), pharmacy)).status).toBe(200);
      expect((await post('/packs/supply', pack(recalled!, { lot }), pharmacy)).status).toBe(200);
      expect((await post('/packs/destroy', pack(destroyed!), pharmacy)).status).toBe(200);
      expect((await post('/packs/stolen', pack(stolen!), pharmacy)).status).toBe(200);

      const undo = async (serial: string, token = pharmacy, extra: Record<string, unknown> = {}) => {
        const answer = await post('/packs/undo', pack(serial, extra), token);
        expect(answer.status).toBe(409);
        return answer.body.returnCode as string;
      };
      expect(await undo(otherParty!, otherPharmacy)).toBe('UNDO_OTHER_PARTY');
      expect(await undo(otherPremises!, pharmacy, { location: PHARMACY_BRANCH })).toBe('UNDO_OTHER_PREMISES');
      // Eleven days pass for this operation.
      await sut.db.query(
        `UPDATE pack_operations SET performed_at = performed_at - interval '11 days' WHERE serial = $1`,
        [late],
      );
      expect(await undo(late!)).toBe('UNDO_TOO_LATE');
      // The pack expires after it was supplied (the registry row once the supply is folded in).
      await eventually(
        () => sut.serial(GTIN, expired!),
        (r) => r?.status === 'dispensed',
        'supply folded',
      );
      await sut.db.query(`UPDATE serials SET expiry = '2026-01-31' WHERE serial = $1`, [expired]);
      expect(await undo(expired!)).toBe('UNDO_EXPIRED');
      await recall(lot);
      await eventually(
        () => sut.serial(GTIN, recalled!),
        (r) => r?.recall_id !== null,
        'recalled',
      );
      expect(await undo(recalled!, pharmacy, { lot })).toBe('UNDO_RECALLED');
      expect(await undo(destroyed!)).toBe('UNDO_NOT_REVERSIBLE');
      expect(await undo(stolen!)).toBe('UNDO_NOT_REVERSIBLE');
      expect(await undo(toPublic!, pharmacy, { suppliedToPublic: true })).toBe('UNDO_SUPPLIED_TO_PUBLIC');
      const undoByOther = await post('/packs/undo', pack(otherParty!), otherPharmacy);
      expect(undoByOther.body.alert).toEqual({
        alertId: undoByOther.body.verificationId,
        code: 'UNDO_OTHER_PARTY',
      });
    });
  });

  describe('clone detection', () => {
    it('turns a pack suspect when it is verified for dispensing at two parties; later answers say so', async () => {
      const [serial] = await commission(1);
      expect((await post('/packs/verify', pack(serial!), pharmacy)).body).toMatchObject({
        returnCode: 'OK',
        pack: { suspect: false },
      });
      expect((await post('/packs/verify', pack(serial!), pharmacy)).body.returnCode).toBe('OK');
      const second = await post('/packs/verify', pack(serial!), otherPharmacy);
      expect(second.body).toMatchObject({
        returnCode: 'SUSPECT_CLONE',
        alert: { code: 'SUSPECT_CLONE' },
        pack: { suspect: true },
        data: { verified: true, additionalInfo: 'Suspect' },
      });
      const suspect = await sut.db.query(
        `SELECT reason, parties FROM suspect_packs s JOIN serials r ON r.key = s.key WHERE r.serial = $1`,
        [serial],
      );
      expect(suspect.rows[0]).toEqual({
        reason: 'clone',
        parties: expect.arrayContaining([PARTIES.pharmacy.party, PARTIES.regulator.party]),
      });
      expect(await vrs.verify(pi(serial!))).toEqual({ verified: true, additionalInfo: 'Suspect' });
      expect((await post('/packs/verify', pack(serial!), wholesaler)).body.returnCode).toBe('SUSPECT_CLONE');
      expect((await post('/packs/supply', pack(serial!), pharmacy)).body.returnCode).toBe('SUSPECT_CLONE');
    });

    it('refuses a supply by a party that does not hold the pack before clone detection; its verification for dispensing turns the pack suspect', async () => {
      const [serial] = await commission(1);
      expect((await post('/packs/supply', pack(serial!), pharmacy)).body.returnCode).toBe('OK');
      // The second party holds no pack: refused for who it is, it learns nothing of the supply and marks nothing.
      const refused = await post('/packs/supply', pack(serial!), otherPharmacy);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({
        returnCode: 'NOT_HOLDER',
        alert: { code: 'NOT_HOLDER' },
        pack: { suspect: false },
      });
      expect(await vrs.verify(pi(serial!))).toEqual({
        verified: false,
        verificationFailureReason: 'Not_for_re-distribution',
      });
      // A pack in its hands that another party supplied is a clone signal once it verifies the pack for dispensing.
      const verified = await post('/packs/verify', pack(serial!), otherPharmacy);
      expect(verified.body).toMatchObject({ returnCode: 'SUSPECT_CLONE', alert: { code: 'SUSPECT_CLONE' } });
      expect(await vrs.verify(pi(serial!))).toEqual({
        verified: false,
        verificationFailureReason: 'Not_for_re-distribution',
        additionalInfo: 'Suspect',
      });
      const records = await sut.db.query(
        `SELECT kind, party, return_code, alert FROM verifications
         WHERE serial = $1 AND kind IN ('pack-operation', 'pack-verify') ORDER BY at`,
        [serial],
      );
      expect(records.rows).toEqual([
        { kind: 'pack-operation', party: PARTIES.pharmacy.party, return_code: 'OK', alert: false },
        { kind: 'pack-operation', party: PARTIES.regulator.party, return_code: 'NOT_HOLDER', alert: true },
        { kind: 'pack-verify', party: PARTIES.regulator.party, return_code: 'SUSPECT_CLONE', alert: true },
      ]);
    });
  });
});
