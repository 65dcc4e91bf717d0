#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';
import { compressFiles } from './compress-files';

const MB = 1024 * 1024;

async function main(): Promise<number> {
    const appDir = process.argv[2];
    if (!appDir) {
        console.error('usage: warren-compress-frontend <theia app folder>   (compresses <folder>/lib/frontend)');
        return 2;
    }
    const dir = path.resolve(appDir, 'lib', 'frontend');
    if (!fs.existsSync(dir)) {
        console.error(`error: ${dir} does not exist; run "theia build" in ${appDir} first`);
        return 1;
    }
    const started = Date.now();
    const s = await compressFiles(dir, file => console.log(`  compressing ${file}`));
    console.log(`compressed ${s.files} files (${s.skippedUpToDate} up to date) in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
        `${(s.rawBytes / MB).toFixed(1)} MB raw, ${(s.gzipBytes / MB).toFixed(1)} MB gzip, ${(s.brotliBytes / MB).toFixed(1)} MB brotli`);
    return 0;
}

main().then(code => process.exit(code), err => {
    console.error(err);
    process.exit(1);
});
