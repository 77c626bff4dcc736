import { ConfigError } from '@mqkit/core';
import { Counter, Registry, register as globalRegistry, type OpenMetricsContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { prometheusMetrics } from '../src/index.js';
import { parseExposition } from './support.js';

describe('registry and options', () => {
  it('never registers on the global registry: without a registry it makes one of its own', async () => {
    const before = await globalRegistry.metrics();
    const metrics = prometheusMetrics({ system: 'memory', queues: ['q'] });
    expect(metrics.registry).not.toBe(globalRegistry);
    expect(await metrics.registry.metrics()).toContain('mqkit_messages_settled_total');
    expect(await globalRegistry.metrics()).toBe(before);
  });

  it('two listeners (two queue objects) share one registry’s families, each with its own messaging_system', async () => {
    const registry = new Registry();
    prometheusMetrics({ system: 'memory', registry, queues: ['a'] });
    prometheusMetrics({ system: 'prisma', registry, queues: ['a'] });
    const s = parseExposition(await registry.metrics());
    expect(s.get('mqkit_consumers{messaging_destination_name="a",messaging_system="memory"}')).toBe(0);
    expect(s.get('mqkit_consumers{messaging_destination_name="a",messaging_system="prisma"}')).toBe(0);
  });

  it('refuses a registry that already has another metric of one of its names', () => {
    const registry = new Registry();
    new Counter({ name: 'mqkit_checkpoints_total', help: 'not ours', registers: [registry] });
    expect(() => prometheusMetrics({ system: 'memory', registry })).toThrow(/mqkit_checkpoints_total/);
  });

  it('keeps prom-client’s registry features: default labels, OpenMetrics, resetMetrics', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'billing' });
    prometheusMetrics({ system: 'memory', registry, queues: ['q'] });
    expect(await registry.metrics()).toContain('mqkit_consumers{messaging_system="memory",messaging_destination_name="q",service="billing"} 0');
    const open = new Registry<OpenMetricsContentType>();
    open.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    prometheusMetrics({ system: 'memory', registry: open, queues: ['q'] });
    const text = await open.metrics();
    expect(text).toContain('# TYPE mqkit_checkpoints counter');
    expect(text).toContain('mqkit_checkpoints_total{messaging_system="memory",messaging_destination_name="q"} 0');
    expect(text.trimEnd().endsWith('# EOF')).toBe(true);
    registry.resetMetrics();
    expect(await registry.metrics()).toContain('mqkit_consumers{messaging_system="memory",messaging_destination_name="q",service="billing"} 0');
  });

  it.each([
    [{}, 'prometheus.system'],
    [{ system: 'has space' }, 'prometheus.system'],
    [{ system: 'memory', registry: {} }, 'prometheus.registry'],
    [{ system: 'memory', queues: 'orders' }, 'prometheus.queues'],
    [{ system: 'memory', queues: [''] }, 'prometheus.queues[0]'],
    [{ system: 'memory', statsTimeoutMs: 0 }, 'prometheus.statsTimeoutMs'],
    [{ system: 'memory', clock: {} }, 'prometheus.clock'],
    [{ system: 'memory', registy: new Registry() }, 'prometheus.registy'],
  ])('refuses bad options %j with a ConfigError naming %s', (options, field) => {
    let thrown: unknown;
    try {
      prometheusMetrics(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).field).toBe(field);
  });
});
