/**
 * optionErrors(provider, cases): a provider's `create` refuses bad options with a typed error that
 * names the option — directly, and as the cause of the BackendError that `setBackend` rejects with.
 */
import { BackendError, type BackendProvider, registerBackend, resetBackends, setBackend } from '@contraspike/core';
import { afterEach, describe, expect, it } from 'vitest';

/** One refused options value, the `isInstance` of the error class expected, and its message. */
export type OptionCase = readonly [options: unknown, isKind: (error: unknown) => boolean, message: RegExp];

/** Resolves to the error `promise` rejects with (and fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

export function optionErrors(provider: BackendProvider<never>, cases: readonly [OptionCase, ...OptionCase[]]): void {
  describe(`${provider.name}: options`, () => {
    afterEach(() => resetBackends());

    it.each(cases)('%j is refused with a typed error naming the option', async (options, isKind, message) => {
      const error = await rejection(Promise.resolve().then(() => provider.create(options as never, { auto: false })));
      expect(isKind(error), String(error)).toBe(true);
      expect(error.message).toMatch(message);
    });

    it('through setBackend the typed error is the cause of a BackendError', async () => {
      const [options, isKind] = cases[0];
      registerBackend(provider);
      const error = await rejection(setBackend(provider.name, options));
      expect(BackendError.isInstance(error)).toBe(true);
      expect(isKind(error.cause), String(error.cause)).toBe(true);
    });
  });
}
