import { BackendApplicationContribution, BackendApplicationPath, EarlyExpressMiddleware } from '@theia/core/lib/node/backend-application';
import { inject, injectable } from '@theia/core/shared/inversify';
import expressStaticGzip = require('express-static-gzip');
import * as path from 'path';
import { cacheControlFor } from './cache-policy';

/**
 * Serves lib/frontend ahead of Theia's own static handler, picking the brotli or gzip file that
 * `warren-compress-frontend` wrote at build time when the browser accepts it, with cache headers.
 * Files without a compressed sibling are served as they are.
 */
@injectable()
export class CompressedFrontendContribution implements BackendApplicationContribution {

    @inject(EarlyExpressMiddleware) protected readonly early: EarlyExpressMiddleware;

    initialize(): void {
        const root = path.join(BackendApplicationPath, 'lib', 'frontend');
        this.early.handlers.push(expressStaticGzip(root, {
            enableBrotli: true,
            orderPreference: ['br', 'gzip'],
            index: 'index.html',
            serveStatic: {
                etag: true,
                lastModified: true,
                setHeaders: (res: { setHeader(name: string, value: string): void }, file: string) => res.setHeader('Cache-Control', cacheControlFor(file))
            }
        }));
    }
}
