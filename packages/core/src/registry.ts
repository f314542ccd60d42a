/**
 * The backend registry: which providers exist, which backend is active, and how one is chosen.
 *
 * - Automatic choice (`ready()`, or the first computation): providers are tried by descending
 *   priority (ties by name, never by import order); the first that initialises wins; a provider
 *   that fails is remembered (sticky) and its reason reported if nothing initialises.
 * - Explicit choice (`setBackend(name)`): exactly that provider, or an error saying why not.
 *   Never a silent fallback.
 * - The state lives on `globalThis` under a `Symbol.for` key, so two copies of this package
 *   (ESM and CJS, or duplicated installs) share one registry.
 */
import type { Backend, BackendProvider } from './backend.js';
import { BackendError, describeValue, InputTypeError } from './errors.js';

interface Entry {
  readonly provider: BackendProvider;
  /** The live backend created from this provider, if any. */
  backend?: Backend;
  /** An asynchronous creation under way. */
  pending?: Promise<Backend>;
  /** Why automatic selection could not initialise it (sticky until re-registered). */
  autoFailure?: unknown;
}

interface State {
  readonly entries: Map<string, Entry>;
  active?: { readonly name: string; readonly backend: Backend };
  /** Shared promise of an automatic selection under way. */
  selecting?: Promise<Backend>;
  /** Increases with every setBackend call, so a slow older call cannot override a newer one. */
  generation: number;
}

const STATE_KEY = Symbol.for('contraspike.registry.v1');

function state(): State {
  const g = globalThis as { [STATE_KEY]?: State };
  let s = g[STATE_KEY];
  if (!s) {
    s = { entries: new Map(), generation: 0 };
    g[STATE_KEY] = s;
  }
  return s;
}

const INSTALL_HINT =
  'Install and register one, e.g. `npm install @contraspike/backend-js` then ' +
  "`import { registerBackend } from '@contraspike/core'; import { jsBackend } from '@contraspike/backend-js'; registerBackend(jsBackend);`";

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

const KERNELS = [
  'gemm',
  'rowSumSquares',
  'scaleRows',
  'rowCrossEntropy',
  'rowSoftmax',
  'rowNormalizeBackward',
  'lifStep',
  'adamStep',
  'outerUpdate',
  'dispose',
] as const;

/** True when `value` has the shape of a {@link Backend} (name, capabilities and every kernel). */
export function isBackend(value: unknown): value is Backend {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.name === 'string' &&
    typeof v.capabilities === 'object' &&
    v.capabilities !== null &&
    KERNELS.every((k) => typeof v[k] === 'function')
  );
}

function checked(provider: BackendProvider, created: unknown): Backend {
  if (!isBackend(created)) {
    const missing = KERNELS.filter((k) => typeof (created as Record<string, unknown> | null)?.[k] !== 'function');
    throw new BackendError(
      `Backend provider "${provider.name}" returned ${describeValue(created)}, not a Backend` +
        (missing.length ? ` (missing: ${missing.join(', ')})` : ''),
    );
  }
  return created;
}

/** Registers a backend provider. Registering another provider under the same name replaces it. */
export function registerBackend(provider: BackendProvider<never>): void {
  const p = provider as unknown as BackendProvider;
  if (typeof p !== 'object' || p === null || typeof p.name !== 'string' || p.name === '') {
    throw new InputTypeError({
      argument: 'provider',
      expected: 'a BackendProvider { name: string, priority: number, create() }',
      actual: describeValue(p),
    });
  }
  if (typeof p.priority !== 'number' || !Number.isFinite(p.priority)) {
    throw new InputTypeError({
      argument: 'provider.priority',
      expected: 'a finite number',
      actual: describeValue(p.priority),
    });
  }
  if (typeof p.create !== 'function') {
    throw new InputTypeError({ argument: 'provider.create', expected: 'a function', actual: describeValue(p.create) });
  }
  const s = state();
  const old = s.entries.get(p.name);
  if (old?.provider === p) return;
  if (old) retire(s, old);
  s.entries.set(p.name, { provider: p });
}

function retire(s: State, entry: Entry): void {
  if (s.active?.backend === entry.backend) s.active = undefined;
  entry.backend?.dispose();
  entry.backend = undefined;
}

function lookup(name: string): Entry {
  if (typeof name !== 'string') {
    throw new InputTypeError({ argument: 'name', expected: 'a backend name (string)', actual: describeValue(name) });
  }
  const s = state();
  const entry = s.entries.get(name);
  if (!entry) {
    const known = [...s.entries.keys()];
    throw new BackendError(
      `No backend named "${name}" is registered` +
        (known.length ? ` (registered: ${known.join(', ')}).` : '. No backend is registered at all.') +
        ` ${name === 'js' ? INSTALL_HINT : `Install the package that provides "${name}" and call registerBackend() with it.`}`,
    );
  }
  return entry;
}

/**
 * Activates the backend `name`, created with `options` (passed to the provider's `create`).
 * Resolves to the live backend; rejects with a {@link BackendError} saying why it cannot run.
 * Calling it again without options reuses the live instance; with options it creates a new one.
 */
export async function setBackend(name: string, options?: unknown): Promise<Backend> {
  const entry = lookup(name);
  const s = state();
  const generation = ++s.generation;
  let backend: Backend;
  if (entry.backend && options === undefined) {
    backend = entry.backend;
  } else {
    try {
      backend = checked(entry.provider, await entry.provider.create(options, { auto: false }));
    } catch (error) {
      if (BackendError.isInstance(error)) throw error;
      throw new BackendError(
        `Backend "${name}" could not be initialised: ${message(error)}`,
        [{ backend: name, error }],
        {
          cause: error,
        },
      );
    }
    if (entry.backend && entry.backend !== backend) retire(s, entry);
    entry.backend = backend;
    entry.autoFailure = undefined;
  }
  if (generation === s.generation) s.active = { name, backend };
  return backend;
}

function byPriority(s: State): Entry[] {
  return [...s.entries.values()].sort(
    (a, b) => b.provider.priority - a.provider.priority || a.provider.name.localeCompare(b.provider.name),
  );
}

function noBackendError(tried: Entry[]): BackendError {
  if (tried.length === 0) return new BackendError(`No contraspike backend is registered. ${INSTALL_HINT}`);
  const causes = tried.map((e) => ({ backend: e.provider.name, error: e.autoFailure }));
  return new BackendError(
    `No registered backend could be initialised: ${causes.map((c) => `${c.backend}: ${message(c.error)}`).join('; ')}`,
    causes,
  );
}

function activate(s: State, entry: Entry, backend: Backend): Backend {
  entry.backend = backend;
  s.active = { name: entry.provider.name, backend };
  return backend;
}

/**
 * Resolves to the active backend, choosing one automatically (highest priority that
 * initialises) when none was chosen. Rejects with a {@link BackendError} when none can run.
 */
export function ready(): Promise<Backend> {
  const s = state();
  if (s.active) return Promise.resolve(s.active.backend);
  s.selecting ??= (async () => {
    try {
      const candidates = byPriority(s);
      for (const entry of candidates) {
        if (entry.autoFailure !== undefined) continue;
        try {
          entry.pending ??= Promise.resolve(entry.backend ?? entry.provider.create(undefined, { auto: true }));
          const backend = checked(entry.provider, await entry.pending);
          entry.backend = backend;
          if (s.active) return s.active.backend; // an explicit setBackend finished meanwhile
          return activate(s, entry, backend);
        } catch (error) {
          entry.autoFailure = error ?? new Error('unknown failure');
        } finally {
          entry.pending = undefined;
        }
      }
      throw noBackendError(candidates);
    } finally {
      s.selecting = undefined;
    }
  })();
  return s.selecting;
}

/**
 * The active backend. Without an explicit choice, picks one automatically if that can be done
 * synchronously; if the best candidate initialises asynchronously, throws and asks for
 * `await ready()` (or `await setBackend(name)`) first.
 */
export function getBackend(): Backend {
  const s = state();
  if (s.active) return s.active.backend;
  const candidates = byPriority(s);
  for (const entry of candidates) {
    if (entry.autoFailure !== undefined) continue;
    if (entry.backend) return activate(s, entry, entry.backend);
    if (entry.pending) throw asyncInitError(entry.provider.name);
    let created: Backend | Promise<Backend>;
    try {
      created = entry.provider.create(undefined, { auto: true });
    } catch (error) {
      entry.autoFailure = error ?? new Error('unknown failure');
      continue;
    }
    if (isPromiseLike<Backend>(created)) {
      // Keep the creation for ready(); its failure becomes sticky like any automatic failure.
      const pending = Promise.resolve(created);
      entry.pending = pending;
      pending
        .then(
          (b) => {
            entry.backend ??= b;
          },
          (error: unknown) => {
            entry.autoFailure = error ?? new Error('unknown failure');
          },
        )
        .finally(() => {
          if (entry.pending === pending) entry.pending = undefined;
        });
      throw asyncInitError(entry.provider.name);
    }
    try {
      return activate(s, entry, checked(entry.provider, created));
    } catch (error) {
      entry.autoFailure = error;
    }
  }
  throw noBackendError(candidates);
}

function asyncInitError(name: string): BackendError {
  return new BackendError(
    `Backend "${name}" initialises asynchronously: call \`await ready()\` (or \`await setBackend('${name}')\`) before computing.`,
  );
}

/** Validates a per-instance `backend` option at construction (resolved later, when computing). */
export function checkBackendOption(spec: unknown): string | Backend | undefined {
  if (spec === undefined || typeof spec === 'string' || isBackend(spec)) return spec;
  throw new InputTypeError({
    argument: 'backend',
    expected: 'a registered backend name or a Backend object',
    actual: describeValue(spec),
  });
}

/** Resolves a per-instance `backend` option: a Backend object, a registered name, or (undefined) the active one. */
export function resolveBackend(spec: string | Backend | undefined): Backend {
  if (spec === undefined) return getBackend();
  if (typeof spec === 'string') {
    const entry = lookup(spec);
    if (entry.backend) return entry.backend;
    if (entry.pending) throw asyncInitError(spec);
    const created = entry.provider.create(undefined, { auto: false });
    if (isPromiseLike(created)) {
      throw asyncInitError(spec);
    }
    entry.backend = checked(entry.provider, created);
    return entry.backend;
  }
  return checkBackendOption(spec) as Backend;
}

/** One row of {@link listBackends}. */
export interface BackendInfo {
  readonly name: string;
  readonly priority: number;
  /** The concrete name of the live instance (e.g. `gpujs:webgl2`), if one was created. */
  readonly instance?: string;
  readonly active: boolean;
  /** Why automatic selection could not initialise it, if it failed. */
  readonly failure?: string;
}

/** The registered providers, highest priority first, with what is live and what failed. */
export function listBackends(): BackendInfo[] {
  const s = state();
  return byPriority(s).map((e) => ({
    name: e.provider.name,
    priority: e.provider.priority,
    ...(e.backend ? { instance: e.backend.name } : {}),
    active: s.active !== undefined && s.active.backend === e.backend,
    ...(e.autoFailure !== undefined ? { failure: message(e.autoFailure) } : {}),
  }));
}

/** Disposes every live backend and forgets all providers. For tests and hot reloading. */
export function resetBackends(): void {
  const s = state();
  for (const entry of s.entries.values()) retire(s, entry);
  s.entries.clear();
  s.active = undefined;
  s.selecting = undefined;
  s.generation++;
}
