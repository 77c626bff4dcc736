import { ClosedError, type Queue, type QueueStats } from '@mqkit/core';
import { deferred } from '@mqkit/testkit';
import { describe, expect, it } from 'vitest';
import { harness, T0, valueOf } from './support.js';

/** A queue whose stats() the test scripts (nothing else of it is used by the collector). */
function scriptedQueue(stats: (queue: string) => Promise<QueueStats>): Queue & { calls: number } {
  const q = {
    provider: 'memory',
    calls: 0,
    stats(queue: string) {
      q.calls++;
      return stats(queue);
    },
    close: async () => undefined,
  };
  return q as unknown as Queue & { calls: number };
}

const figures = (over: Partial<QueueStats> = {}): QueueStats => ({ queue: 'q', ready: 12, delayed: 3, inFlight: 64, deadLettered: 1, lagMs: 4500, ...over });

describe('queue depth from stats() at scrape time', () => {
  it('sets depth by state and the oldest ready message timestamp (now - lagMs)', async () => {
    const h = harness({ clock: { now: () => T0 }, statsCacheMs: 0 });
    h.metrics.instrument(scriptedQueue(async () => figures()), { stats: ['q'] });
    const s = await h.scrape();
    expect(valueOf(s, 'mqkit_queue_messages', { state: 'ready' })).toBe(12);
    expect(valueOf(s, 'mqkit_queue_messages', { state: 'delayed' })).toBe(3);
    expect(valueOf(s, 'mqkit_queue_messages', { state: 'in_flight' })).toBe(64);
    expect(valueOf(s, 'mqkit_queue_messages', { state: 'dead_lettered' })).toBe(1);
    expect(valueOf(s, 'mqkit_queue_oldest_ready_message_timestamp_seconds')).toBe((T0 - 4500) / 1000);
    expect(valueOf(s, 'mqkit_queue_stats_up')).toBe(1);
  });

  it('a figure the provider cannot know (null) has no series', async () => {
    const h = harness({ statsCacheMs: 0 });
    h.metrics.instrument(scriptedQueue(async () => figures({ delayed: null, lagMs: null })), { stats: ['q'] });
    const s = await h.scrape();
    expect(valueOf(s, 'mqkit_queue_messages', { state: 'ready' })).toBe(12);
    expect(valueOf(s, 'mqkit_queue_messages', { state: 'delayed' })).toBeUndefined();
    expect(valueOf(s, 'mqkit_queue_oldest_ready_message_timestamp_seconds')).toBeUndefined();
  });

  it('a throwing stats() is counted, its depth series are removed, and the scrape still succeeds', async () => {
    const h = harness({ statsCacheMs: 0 });
    let fail = false;
    h.metrics.instrument(
      scriptedQueue(async () => {
        if (fail) throw Object.assign(new Error('connection terminated'), { code: 'ECONNRESET' });
        return figures();
      }),
      { stats: ['q'] },
    );
    expect(valueOf(await h.scrape(), 'mqkit_queue_messages', { state: 'ready' })).toBe(12);
    fail = true;
    const text = await h.registry.metrics(); // resolves: one failing collect never fails the scrape
    expect(text).toContain('messaging_client_consumed_messages_total');
    const s = await h.scrape();
    expect(valueOf(s, 'mqkit_queue_stats_errors_total', { error_type: 'ECONNRESET' })).toBe(2);
    expect(valueOf(s, 'mqkit_queue_stats_up')).toBe(0);
    expect(valueOf(s, 'mqkit_queue_messages', { state: 'ready' })).toBeUndefined();
    fail = false;
    expect(valueOf(await h.scrape(), 'mqkit_queue_stats_up')).toBe(1);
  });

  it('a stats() that hangs is given up after statsTimeoutMs, counted as a timeout, and not called again while it hangs', async () => {
    const h = harness({ statsCacheMs: 0, statsTimeoutMs: 50 });
    const hang = deferred<QueueStats>();
    const q = scriptedQueue(() => hang.promise);
    h.metrics.instrument(q, { stats: ['q'] });
    const started = performance.now();
    let s = await h.scrape();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(valueOf(s, 'mqkit_queue_stats_errors_total', { error_type: 'timeout' })).toBe(1);
    expect(valueOf(s, 'mqkit_queue_stats_up')).toBe(0);
    s = await h.scrape();
    expect(q.calls).toBe(1);
    expect(valueOf(s, 'mqkit_queue_stats_errors_total', { error_type: 'timeout' })).toBe(2);
    hang.resolve(figures());
    await hang.promise;
    s = await h.scrape(); // the late answer is used
    expect(valueOf(s, 'mqkit_queue_messages', { state: 'ready' })).toBe(12);
  });

  it('answers are reused for statsCacheMs: two scrapes in a row call stats() once', async () => {
    const h = harness({ statsCacheMs: 60_000 });
    const q = scriptedQueue(async () => figures());
    h.metrics.instrument(q, { stats: ['q'] });
    await Promise.all([h.scrape(), h.scrape()]);
    await h.scrape();
    expect(q.calls).toBe(1);
  });

  it('stops collecting at close(), and when the queue says it is closed', async () => {
    const h = harness({ statsCacheMs: 0 });
    const a = scriptedQueue(async () => figures());
    const b = scriptedQueue(async () => {
      throw new ClosedError('queue');
    });
    const wrapped = h.metrics.instrument(a, { stats: ['q'] });
    h.metrics.instrument(b, { stats: ['other'] });
    expect(valueOf(await h.scrape(), 'mqkit_queue_stats_up')).toBe(1);
    await wrapped.close();
    const s = await h.scrape();
    expect(valueOf(s, 'mqkit_queue_stats_up')).toBeUndefined();
    expect(valueOf(s, 'mqkit_queue_messages', { state: 'ready' })).toBeUndefined();
    expect(valueOf(s, 'mqkit_queue_stats_up', {}, 'other')).toBeUndefined();
    expect(valueOf(s, 'mqkit_queue_stats_errors_total', { error_type: 'MQKIT_CLOSED' }, 'other')).toBeUndefined();
    expect(a.calls).toBe(1);
  });
});
