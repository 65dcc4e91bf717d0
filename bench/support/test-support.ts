/**
 * The test suite's LSP client and Chromium launcher, shared so the benchmark drives gopls and the browser as the
 * tests do. test/ is not a package, and its compiled output (test/lib/support/) sits at another depth from bench/lib/
 * than the sources sit from each other, so a relative import would not resolve at run time: the types come from the
 * test project (a reference in bench/tsconfig.json), the code is loaded from test/lib by path.
 */
import * as path from 'path';
import type * as ChromiumModule from '../../test/support/chromium';
import type * as LspClientModule from '../../test/support/lsp-client';
import { REPO } from './harness';

function fromTestSupport<T>(name: string): T {
    return require(path.join(REPO, 'test', 'lib', 'support', name)) as T;
}

export type LspClient = LspClientModule.LspClient;
export const { LspClient } = fromTestSupport<typeof LspClientModule>('lsp-client');
export const { chromiumPath, launchChromium } = fromTestSupport<typeof ChromiumModule>('chromium');
