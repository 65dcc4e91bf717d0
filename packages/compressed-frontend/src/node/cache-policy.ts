import * as path from 'path';

/** A file name that carries a content hash (e.g. `codicon.8a1f6b2c4d3e5f60.ttf`) never changes its bytes. */
const HASHED_NAME = /[.-][0-9a-f]{16,}\./i;

/**
 * The Cache-Control header for a frontend file. Theia's bundles keep fixed names (bundle.js) across builds,
 * so they must be revalidated (an ETag makes a warm load a 304 without the body); hashed files are immutable.
 */
export function cacheControlFor(filePath: string): string {
    return HASHED_NAME.test(path.basename(filePath)) ? 'public, max-age=31536000, immutable' : 'no-cache';
}
