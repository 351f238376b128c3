/**
 * `@tokenward/otel`: OpenTelemetry spans and metrics from tokenward's tracing channels. It only
 * subscribes: tokenward publishes on `diagnostics_channel` whether or not this package is loaded,
 * and costs nothing while nobody listens.
 */
export {
  type InstrumentationOptions,
  instrumentTokenward,
  type TokenwardInstrumentation,
} from './instrument.js';
export { ATTRIBUTES, METRICS, SPANS } from './names.js';
