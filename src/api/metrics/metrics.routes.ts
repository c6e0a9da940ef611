import type { FastifyPluginAsync } from 'fastify';
import { prometheusText } from '../../governance/security-events.js';
import { semanticCachePrometheusText } from '../../nl/semantic-cache.js';

/**
 * GET /metrics: Prometheus text format. Needs audit:read (scrape with an auditor's API
 * token: `authorization: { credentials: mmt_… }` in the scrape config), because refusal
 * counts tell an attacker how they are doing.
 */
export const metricsRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/metrics',
    {
      config: { permission: 'audit:read' },
      schema: {
        summary: 'Prometheus counters: moatmetrics_security_events_total{kind}, moatmetrics_nl_cache_{hits,misses,evictions,invalidations}_total',
        tags: ['health'],
      },
    },
    async (_request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(prometheusText() + semanticCachePrometheusText()),
  );
};
