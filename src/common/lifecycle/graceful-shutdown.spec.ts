import { EventEmitter } from 'node:events';
import { exitOnSignals, ShutdownSteps } from './graceful-shutdown';

const quiet = { log: jest.fn(), error: jest.fn(), warn: jest.fn() };

function recorder(stepMs: Partial<Record<keyof ShutdownSteps, number>> = {}) {
  const calls: string[] = [];
  const step = (name: keyof ShutdownSteps) => () =>
    new Promise<void>((resolve) => {
      calls.push(`${name} started`);
      setTimeout(() => {
        calls.push(`${name} done`);
        resolve();
      }, stepMs[name] ?? 0);
    });
  const steps: ShutdownSteps = { announce: step('announce'), stopHttp: step('stopHttp'), drain: step('drain'), close: step('close') };
  return { calls, steps };
}

function exitCode(): { exit: (code: number) => void; code: Promise<number> } {
  let exit!: (code: number) => void;
  const code = new Promise<number>((resolve) => (exit = resolve));
  return { exit, code };
}

describe(exitOnSignals.name, () => {
  it('announces, stops HTTP, drains, closes, in that order, then exits 0', async () => {
    const { calls, steps } = recorder({ stopHttp: 20, drain: 10 });
    const signals = new EventEmitter();
    const { exit, code } = exitCode();
    exitOnSignals(steps, 5_000, quiet, exit, signals);
    signals.emit('SIGTERM');
    expect(await code).toBe(0);
    expect(calls).toEqual([
      'announce started',
      'announce done',
      'stopHttp started',
      'stopHttp done',
      'drain started',
      'drain done',
      'close started',
      'close done',
    ]);
  });

  it('exits 1 when the grace period runs out', async () => {
    const { steps } = recorder({ stopHttp: 300 });
    const signals = new EventEmitter();
    const { exit, code } = exitCode();
    exitOnSignals(steps, 50, quiet, exit, signals);
    signals.emit('SIGINT');
    expect(await code).toBe(1);
  });

  it('exits 1 when a step fails', async () => {
    const signals = new EventEmitter();
    const { exit, code } = exitCode();
    const failing: ShutdownSteps = {
      announce: async () => undefined,
      stopHttp: async () => undefined,
      drain: async () => undefined,
      close: () => Promise.reject(new Error('cannot close')),
    };
    exitOnSignals(failing, 5_000, quiet, exit, signals);
    signals.emit('SIGTERM');
    expect(await code).toBe(1);
  });

  it('takes the first signal only', async () => {
    const { calls, steps } = recorder({ stopHttp: 20 });
    const signals = new EventEmitter();
    const exits: number[] = [];
    const { exit, code } = exitCode();
    exitOnSignals(steps, 5_000, quiet, (value) => (exits.push(value), exit(value)), signals);
    signals.emit('SIGTERM');
    signals.emit('SIGTERM');
    signals.emit('SIGINT');
    // Still listening: Node's default for a signal nobody listens to would end the process.
    expect(signals.listenerCount('SIGTERM')).toBe(1);
    await code;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exits).toEqual([0]);
    expect(calls.filter((call) => call === 'stopHttp started')).toHaveLength(1);
  });
});
