import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../src/contracts/dead-letter.js';
import type { AnyLifecycleEvent } from '../src/lifecycle/events.js';
import { Lifecycle } from '../src/lifecycle/lifecycle.js';
import { emitExpired, emitPoisonPill, emitUndecodable } from '../src/lifecycle/provider-events.js';
import { message } from './fixtures.js';

function recorded(): { lifecycle: Lifecycle; events: AnyLifecycleEvent[] } {
  const lifecycle = new Lifecycle();
  const events: AnyLifecycleEvent[] = [];
  lifecycle.add({ onEvent: (e) => void events.push(e) });
  return { lifecycle, events };
}

describe('provider event helpers', () => {
  it('emitExpired raises message.expired', () => {
    const { lifecycle, events } = recorded();
    const m = message();
    emitExpired(lifecycle, 'q', m, 5);
    expect(events).toEqual([{ type: 'message.expired', queue: 'q', message: m, at: 5 }]);
  });

  it('emitPoisonPill raises poison-pill with the attempts, then its message.dead-lettered pair', () => {
    const { lifecycle, events } = recorded();
    const letter: DeadLetter = { message: message({ attempt: 3 }), reason: 'poison-pill', error: { name: 'LeaseExpired', message: 'x' }, deadLetteredAt: 5 };
    emitPoisonPill(lifecycle, 'q', letter, 5, 'shard-1');
    expect(events.map((e) => e.type)).toEqual(['poison-pill', 'message.dead-lettered']);
    expect(events[0]).toMatchObject({ attempts: 3, shardId: 'shard-1' });
    expect(events[1]).toMatchObject({ reason: 'poison-pill', error: letter.error });
  });

  it('emitUndecodable raises message.dead-lettered with reason undecodable', () => {
    const { lifecycle, events } = recorded();
    const letter: DeadLetter = { message: message(), reason: 'undecodable', error: { name: 'DecodeError', message: 'bad json' }, deadLetteredAt: 5 };
    emitUndecodable(lifecycle, 'q', letter, 5);
    expect(events).toEqual([{ type: 'message.dead-lettered', queue: 'q', message: letter.message, reason: 'undecodable', error: letter.error, at: 5 }]);
  });

  it('build nothing when nobody listens', () => {
    const lifecycle = new Lifecycle();
    expect(() => emitExpired(lifecycle, 'q', message(), 1)).not.toThrow();
  });
});
