import type { Principal } from '@pedigree/auth';
import { createEnvelope, type Topics } from '@pedigree/contracts';
import type { CaptureService } from '../capture/capture.service';
import type { CapturedEvent, EventCapturer } from './verification-store';

/**
 * Pack operations take the ordinary capture checks (validation, authorisation, event hash) and become the message
 * capture would publish, so the registry, queries and ledger see them; it goes out through the outbox.
 */
export class CaptureEventCapturer implements EventCapturer {
  constructor(
    private readonly captureService: CaptureService,
    private readonly topics: Topics,
    private readonly producerName: string,
  ) {}

  prepare(
    event: Record<string, unknown>,
    principal: Principal,
    capture: { captureId: string; key: string; recordTime: Date },
  ): CapturedEvent {
    const {
      payloads: [payload],
    } = this.captureService.prepare(this.captureService.wrapEvent(event), principal, {
      captureId: capture.captureId,
      recordTime: capture.recordTime.toISOString(),
    });
    return {
      eventHash: payload!.eventHash,
      message: {
        topic: this.topics.epcisEvents.name,
        key: capture.key,
        envelope: createEnvelope(this.topics.epcisEvents, this.producerName, payload!, capture.recordTime),
      },
    };
  }
}
