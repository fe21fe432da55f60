import { describe, expect, it } from 'vitest';
import type { Run } from '../runs/run.schema.ts';
import { InProcessEventBus, type EventHydrator } from './event-bus.ts';
import type { BusEvent, SceneEvent } from './scene-events.ts';

// The listeners' side of the event bus: changes are loaded once per burst, in arrival order.

/** A hydrator whose loads wait until released, counting what it loads. */
function gatedHydrator(): {
  hydrate: EventHydrator;
  loads: BusEvent[];
  release: () => void;
} {
  const loads: BusEvent[] = [];
  let open: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (open = resolve));
  return {
    loads,
    release: () => {
      open();
      gate = Promise.resolve();
    },
    hydrate: async (event) => {
      loads.push(event);
      await gate;
      if (event.type === 'run.changed') {
        return {
          type: 'run.updated',
          projectId: event.projectId,
          runId: event.runId,
          run: {} as Run,
        };
      }
      return event.type === 'execution.changed' ? undefined : event;
    },
  };
}

const runChanged: BusEvent = { type: 'run.changed', projectId: 'p', runId: 'r' };
const log = (message: string): BusEvent => ({
  type: 'run.log',
  projectId: 'p',
  runId: 'r',
  line: { at: '2026-11-30T00:00:00.000Z', level: 'info', kind: 'step', message },
});

describe('event bus listeners', () => {
  it('loads a change once when it arrives again while waiting, keeping the later position', async () => {
    const { hydrate, loads, release } = gatedHydrator();
    const bus = new InProcessEventBus(hydrate);
    const received: SceneEvent[] = [];
    bus.subscribe((event) => received.push(event), { runId: 'r' });

    bus.publish(log('first')); // being loaded while the rest arrive
    bus.publish(runChanged);
    bus.publish(log('second'));
    bus.publish(runChanged);
    bus.publish(runChanged);
    release();
    await bus.close();

    expect(received.map((e) => (e.type === 'run.log' ? e.line.message : e.type))).toEqual([
      'first',
      'second',
      'run.updated',
    ]);
    expect(loads.filter((e) => e.type === 'run.changed')).toHaveLength(1);
  });

  it('loads nothing while nobody listens, and every change once someone does', async () => {
    const { hydrate, loads, release } = gatedHydrator();
    release();
    const bus = new InProcessEventBus(hydrate);
    bus.publish(runChanged);
    await bus.close();
    expect(loads).toEqual([]);

    const received: SceneEvent[] = [];
    bus.subscribe((event) => received.push(event));
    bus.publish(runChanged);
    await bus.close();
    bus.publish(runChanged);
    await bus.close();
    expect(received.map((e) => e.type)).toEqual(['run.updated', 'run.updated']);
  });
});
