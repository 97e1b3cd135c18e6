import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** CATALOGUE section F. `route` is the route pattern (bounded), "unmatched" for 404s. */
export function createHttpMetrics(registry: Registry) {
  const registers = [registry];
  return {
    requests: new Counter({ name: 'gust_http_requests_total', help: 'HTTP requests served.', labelNames: ['method', 'route', 'status_code'], registers }),
    duration: new Histogram({ name: 'gust_http_request_duration_seconds', help: 'HTTP request duration.', labelNames: ['method', 'route'], buckets: HTTP_BUCKETS, registers }),
    inFlight: new Gauge({ name: 'gust_http_requests_in_flight', help: 'HTTP requests being served.', registers }),
  };
}
export type HttpMetrics = ReturnType<typeof createHttpMetrics>;
