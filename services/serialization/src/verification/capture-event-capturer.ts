import type { Principal } from '@pedigree/auth';
import type { CaptureService } from '../capture/capture.service';
import type { EventCapturer } from './verification-store';

/** Pack operations take the ordinary capture path (validation, event hash, Kafka), so the registry, queries and ledger see them. */
export class CaptureEventCapturer implements EventCapturer {
  constructor(private readonly captureService: CaptureService) {}

  async capture(event: Record<string, unknown>, principal: Principal): Promise<string> {
    const { eventHashes } = await this.captureService.capture(
      this.captureService.wrapEvent(event),
      principal,
    );
    return eventHashes[0]!;
  }
}
