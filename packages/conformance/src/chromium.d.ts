/** Chromium's command-line flags for the repository's headless browser tests (see chromium.js). */
export declare const CHROMIUM_ARGS: readonly string[];
/** The Chromium binary to run (CHROMIUM_PATH or /usr/bin/chromium); throws when it is missing. */
export declare function chromiumPath(): string;
