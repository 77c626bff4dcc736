// ChangeStreamWake's own logic, against stand-in stream objects (the resume and restart decisions;
// what a real server sends is in the wake-up tests, which need one).
import { EventEmitter } from 'node:events';
import { noopLogger } from '@mqkit/core';
import type { Document } from 'mongodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChangeStreamWake, wakePipeline, type ChangeStreamLike } from '../../src/wake/change-stream-wake.js';

class Stream extends EventEmitter implements ChangeStreamLike {
  resumeToken: unknown = undefined;
  closed = false;
  constructor(readonly options: Document) {
    super();
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function setup() {
  const streams: Stream[] = [];
  const inserts: string[] = [];
  let restarts = 0;
  const wake = new ChangeStreamWake({ watch: (_pipeline, options) => (streams.push(new Stream(options)), streams[streams.length - 1]!) }, { onInsert: (q) => inserts.push(q), onRestart: () => void restarts++, logger: noopLogger });
  return { wake, streams, inserts, restarts: () => restarts };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ChangeStreamWake', () => {
  it('watches inserts only, and only their queue name (the _id, the resume token, stays)', () => {
    expect(wakePipeline()).toEqual([{ $match: { operationType: 'insert' } }, { $project: { operationType: 1, 'fullDocument.q': 1 } }]);
  });

  it("an insert wakes its queue's receivers", () => {
    const { wake, streams, inserts } = setup();
    wake.start();
    streams[0]!.emit('change', { _id: { _data: '01' }, fullDocument: { q: 'jobs' } });
    expect(inserts).toEqual(['jobs']);
  });

  it('after an error it opens the stream again after the last resume token (startAfter), with backoff, and wakes everyone', async () => {
    vi.useFakeTimers();
    const { wake, streams, restarts } = setup();
    wake.start();
    expect(streams[0]!.options).toEqual({});
    streams[0]!.resumeToken = { _data: '02' };
    streams[0]!.emit('change', { _id: { _data: '02' }, fullDocument: { q: 'jobs' } });
    streams[0]!.emit('error', Object.assign(new Error('not primary'), { code: 10107 }));
    expect(streams[0]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(99);
    expect(streams).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(streams).toHaveLength(2);
    expect(streams[1]!.options).toEqual({ startAfter: { _data: '02' } });
    expect(restarts()).toBe(1);
    streams[1]!.emit('error', new Error('again'));
    await vi.advanceTimersByTimeAsync(199);
    expect(streams).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(streams).toHaveLength(3);
    await wake.close();
  });

  it('when the resume point left the oplog (ChangeStreamHistoryLost, 286) it starts again from now', async () => {
    vi.useFakeTimers();
    const { wake, streams } = setup();
    wake.start();
    streams[0]!.resumeToken = { _data: '03' };
    streams[0]!.emit('error', Object.assign(new Error('history lost'), { code: 286 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(streams[1]!.options).toEqual({});
    await wake.close();
  });

  it('a late error of a replaced stream, and errors after close, open nothing', async () => {
    vi.useFakeTimers();
    const { wake, streams } = setup();
    wake.start();
    const first = streams[0]!;
    first.emit('error', new Error('x'));
    await vi.advanceTimersByTimeAsync(100);
    first.emit('error', new Error('late'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(streams).toHaveLength(2);
    await wake.close();
    streams[1]!.emit('error', new Error('after close'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(streams).toHaveLength(2);
    expect(streams[1]!.closed).toBe(true);
  });
});
