import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Backend, BackendProvider } from '../src/backend.js';
import { CSDPRule } from '../src/csdp.js';
import { BackendError } from '../src/errors.js';
import { SpikeContrastiveLoss } from '../src/infonce.js';
import {
  getBackend,
  listBackends,
  ready,
  registerBackend,
  resetBackends,
  resolveBackend,
  setBackend,
} from '../src/registry.js';

/** A backend whose kernels are never called in these tests; only identity matters. */
function fakeBackend(name: string): Backend {
  const fail = () => {
    throw new Error(`kernel of ${name} called`);
  };
  return {
    name,
    capabilities: { device: 'cpu', storage: 'float32', accumulation: 'float64' },
    gemm: fail,
    rowSumSquares: fail,
    scaleRows: fail,
    rowCrossEntropy: fail,
    rowSoftmax: fail,
    rowNormalizeBackward: fail,
    lifStep: fail,
    adamStep: fail,
    outerUpdate: fail,
    dispose: vi.fn(),
  };
}

function provider(name: string, priority: number, create?: BackendProvider['create']): BackendProvider {
  return { name, priority, create: create ?? (() => fakeBackend(name)) };
}

afterEach(() => resetBackends());

describe('with no backend registered', () => {
  it('every computation says which package to install and import', () => {
    const expectations = [
      () => new SpikeContrastiveLoss().compute([[1], [2]], [[1], [2]]),
      () => new CSDPRule().goodness([1, 2]),
      () => getBackend(),
    ];
    for (const call of expectations) {
      expect(call).toThrow(BackendError);
      expect(call).toThrow(/@contraspike\/backend-js/);
      expect(call).toThrow(/registerBackend/);
    }
  });

  it('ready() rejects with the same advice', async () => {
    await expect(ready()).rejects.toThrow(/No contraspike backend is registered.*@contraspike\/backend-js/);
  });

  it('validation still comes first: bad input is reported before the missing backend', () => {
    expect(() => new SpikeContrastiveLoss().compute([[Number.NaN], [1]], [[1], [2]])).toThrow(/viewA\[0\]\[0\]/);
  });
});

describe('automatic selection', () => {
  it('picks the highest priority, whatever the registration order', async () => {
    registerBackend(provider('low', 1));
    registerBackend(provider('high', 5));
    registerBackend(provider('mid', 3));
    expect((await ready()).name).toBe('high');
    expect(getBackend().name).toBe('high');
    expect(listBackends().map((b) => [b.name, b.active])).toEqual([
      ['high', true],
      ['mid', false],
      ['low', false],
    ]);
  });

  it('breaks priority ties by name, not import order', () => {
    registerBackend(provider('zeta', 2));
    registerBackend(provider('alpha', 2));
    expect(getBackend().name).toBe('alpha');
  });

  it('falls back past a provider that fails, remembers the failure, and reports it', async () => {
    const create = vi.fn(() => {
      throw new Error('no GPU here');
    });
    registerBackend(provider('gpu', 10, create));
    registerBackend(provider('js', 1));
    expect((await ready()).name).toBe('js');
    expect(listBackends().find((b) => b.name === 'gpu')?.failure).toBe('no GPU here');
    resetBackends();
    registerBackend(provider('gpu', 10, create));
    registerBackend(provider('js', 1));
    expect(getBackend().name).toBe('js');
    expect(create).toHaveBeenCalledTimes(2);
    expect(create).toHaveBeenLastCalledWith(undefined, { auto: true });
  });

  it('lists every reason when nothing initialises', async () => {
    registerBackend(
      provider('a', 2, () => {
        throw new Error('reason A');
      }),
    );
    registerBackend(provider('b', 1, () => Promise.reject(new Error('reason B'))));
    const error = await ready().catch((e: unknown) => e);
    expect(BackendError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/a: reason A; b: reason B/);
    expect((error as BackendError).causes.map((c) => c.backend)).toEqual(['a', 'b']);
  });

  it('waits for an asynchronous provider in ready(); getBackend() asks for ready() first', async () => {
    registerBackend(provider('async', 5, async () => fakeBackend('async:mode')));
    registerBackend(provider('js', 1));
    expect(() => getBackend()).toThrow(/initialises asynchronously.*await ready\(\)/);
    expect((await ready()).name).toBe('async:mode');
    expect(getBackend().name).toBe('async:mode');
  });

  it('shares one selection between concurrent ready() calls', async () => {
    const create = vi.fn(async () => fakeBackend('slow'));
    registerBackend(provider('slow', 1, create));
    const [a, b] = await Promise.all([ready(), ready()]);
    expect(a).toBe(b);
    expect(create).toHaveBeenCalledTimes(1);
  });
});

describe('explicit selection', () => {
  it('activates exactly the named backend and passes options to create', async () => {
    const create = vi.fn((options: unknown) => fakeBackend(`x:${(options as { mode: string }).mode}`));
    registerBackend(provider('x', 1, create));
    registerBackend(provider('js', 9));
    const b = await setBackend('x', { mode: 'cpu' });
    expect(b.name).toBe('x:cpu');
    expect(getBackend()).toBe(b);
    expect(create).toHaveBeenCalledWith({ mode: 'cpu' }, { auto: false });
  });

  it('never falls back: a failing provider rejects with why', async () => {
    registerBackend(
      provider('gpu', 10, () => {
        throw new Error('mode "webgl2" is not available');
      }),
    );
    registerBackend(provider('js', 1));
    await expect(setBackend('gpu')).rejects.toThrow(
      /Backend "gpu" could not be initialised: mode "webgl2" is not available/,
    );
    expect(listBackends().every((b) => !b.active)).toBe(true);
  });

  it('names the registered backends when the name is unknown', async () => {
    registerBackend(provider('js', 1));
    await expect(setBackend('gpujs')).rejects.toThrow(/No backend named "gpujs" is registered \(registered: js\)/);
  });

  it('reuses the live instance without options, recreates (and disposes the old) with options', async () => {
    registerBackend(provider('x', 1));
    const first = await setBackend('x');
    expect(await setBackend('x')).toBe(first);
    const second = await setBackend('x', { any: 1 });
    expect(second).not.toBe(first);
    expect(first.dispose).toHaveBeenCalledOnce();
  });

  it('the most recent setBackend wins even when an earlier one finishes later', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    registerBackend(provider('slow', 1, async () => gate.then(() => fakeBackend('slow'))));
    registerBackend(provider('fast', 1));
    const slow = setBackend('slow');
    await setBackend('fast');
    release();
    await slow;
    expect(getBackend().name).toBe('fast');
  });

  it('rejects a provider that returns something that is not a Backend', async () => {
    registerBackend(provider('broken', 1, () => ({ name: 'broken' }) as unknown as Backend));
    await expect(setBackend('broken')).rejects.toThrow(/not a Backend \(missing: gemm, rowSumSquares/);
  });
});

describe('per-instance override', () => {
  it('resolves a Backend object, a registered name, or the active backend', async () => {
    registerBackend(provider('a', 2));
    registerBackend(provider('b', 1));
    const own = fakeBackend('own');
    expect(resolveBackend(own)).toBe(own);
    expect(resolveBackend('b').name).toBe('b');
    expect(resolveBackend(undefined).name).toBe('a');
    expect(new SpikeContrastiveLoss({ backend: 'b' }).backend.name).toBe('b');
    expect(new CSDPRule({ backend: own }).backend).toBe(own);
  });

  it('rejects something that is neither', () => {
    expect(() => resolveBackend(42 as never)).toThrow(
      /backend: expected a registered backend name or a Backend object, got 42/,
    );
  });
});

describe('registerBackend', () => {
  it('validates the provider', () => {
    expect(() => registerBackend({} as never)).toThrow(/provider: expected a BackendProvider/);
    expect(() => registerBackend({ name: 'x', priority: Number.NaN, create: () => fakeBackend('x') })).toThrow(
      /provider\.priority: expected a finite number, got NaN/,
    );
    expect(() => registerBackend({ name: 'x', priority: 1 } as never)).toThrow(/provider\.create: expected a function/);
  });

  it('replacing a provider disposes its live backend and deactivates it', async () => {
    registerBackend(provider('x', 1));
    const old = await setBackend('x');
    registerBackend(provider('x', 1));
    expect(old.dispose).toHaveBeenCalledOnce();
    expect(getBackend()).not.toBe(old);
  });

  it('shares one registry across copies of the package (globalThis symbol)', () => {
    registerBackend(provider('x', 1));
    const state = (globalThis as Record<symbol, { entries: Map<string, unknown> }>)[
      Symbol.for('contraspike.registry.v1')
    ];
    expect(state?.entries.has('x')).toBe(true);
  });
});
