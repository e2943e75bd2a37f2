import './telemetry';
import 'reflect-metadata';
import { loadServiceConfigOrExit, runService } from '@pedigree/service-runtime';
import { AppModule } from './app.module';
import { configSchema } from './config';
import { epcisProblem } from './epcis-problems';

const config = loadServiceConfigOrExit(configSchema);
void runService(
  AppModule.register(config),
  config,
  {
    title: 'Pedigree serialization service',
    description: 'EPCIS 2.0 capture and query, the serial registry and pack verification.',
    version: '0.1.0',
  },
  {
    // Every VRS request is recorded in the verifications table (who, where, when, what was answered).
    unloggedPaths: ['/verify/', '/checkConnectivity'],
    // Capture bodies have a limit of their own, larger or smaller than other requests'.
    routeBodyLimits: { '/capture': config.CAPTURE_MAX_BYTES, '/events': config.CAPTURE_MAX_BYTES },
    // A capture body over the byte limit is refused by the HTTP layer before the controller runs (a query's 413 is
    // its own QueryTooLargeException).
    refineProblem: (problem, request) =>
      problem.status === 413 && request.method === 'POST' && /^\/(capture|events)\b/.test(request.url)
        ? epcisProblem(
            'CaptureLimitExceededException',
            413,
            `the body exceeds ${config.CAPTURE_MAX_BYTES} bytes; a capture takes at most ${config.CAPTURE_MAX_BYTES} bytes and ${config.CAPTURE_MAX_EVENTS} events, each event at most ${config.CAPTURE_MAX_EVENT_BYTES} bytes`,
          ).problem
        : problem,
  },
);
