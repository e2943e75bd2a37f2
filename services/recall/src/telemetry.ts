// OpenTelemetry starts before anything it instruments is loaded: this module is the first import of main.ts.
import { startTelemetry } from '@pedigree/observability';

startTelemetry('recall');
