/// <reference types="vite/client" />

declare module 'virtual:mnist-digits' {
  /** URL of the digits asset (one byte per pixel, every class one after the other). */
  export const digitsUrl: string;
  /** Number of values (digits × 784) of each class, in class order. */
  export const classLengths: readonly number[];
}
