#!/usr/bin/env node
/**
 * A workspace's first clone in cluster mode: the init container of its pod runs this with the
 * workspace image's node, as the workspace's own user, before the IDE starts.
 *
 *   node clone-cli.js --target=<folder> --url=<repository> [--ref=<ref>] [--folder=<folder>] [--has-credential]
 *                     [--termination-log=<file>]
 *
 * A target that exists is left alone (every later start). Otherwise the repository is cloned beside
 * it (<target>.cloning, a remnant of an earlier try removed first) and renamed into place when
 * complete. git's progress lines go to stderr; a failure's message, in the words embedded mode uses
 * (explain in git-clone.ts), goes to the termination log, which Kubernetes shows in the init
 * container's status, and the script exits 1.
 *
 * It loads nothing but git-clone.js and the git source's checks, so that the workspace image needs
 * no more of the workspace manager than these files.
 */
import * as fs from 'fs';
import { parseArgs } from 'util';
import { checkGitSource, GitSourceSpec } from '@warren/workspace-api/lib/git-source';
import { cloneAndPlace, CloneRun } from './git-clone';

/** Where Kubernetes reads a container's termination message by default. */
export const TERMINATION_LOG = '/dev/termination-log';

/**
 * Clones source into target unless target exists: through target.cloning, renamed when complete.
 * Throws a CloneFailure with words a user can act on, and leaves no target.cloning behind.
 */
export async function cloneOnce(source: GitSourceSpec, target: string, run: CloneRun, hasCredential: boolean): Promise<'cloned' | 'present'> {
    if (fs.existsSync(target)) {
        return 'present';
    }
    const staging = `${target}.cloning`;
    await fs.promises.rm(staging, { recursive: true, force: true });
    await fs.promises.mkdir(staging, { recursive: true, mode: 0o700 });
    await cloneAndPlace(source, staging, target, run, hasCredential);
    return 'cloned';
}

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            target: { type: 'string' },
            url: { type: 'string' },
            ref: { type: 'string', default: '' },
            folder: { type: 'string', default: '' },
            'has-credential': { type: 'boolean', default: false },
            'termination-log': { type: 'string', default: TERMINATION_LOG }
        }
    });
    const fail = (message: string): number => {
        process.stderr.write(`${message}\n`);
        try {
            fs.writeFileSync(values['termination-log']!, message);
        } catch {
            // no termination log (run by hand): the message is on stderr, which FallbackToLogsOnError shows
        }
        return 1;
    };
    if (!values.target || !values.url) {
        return fail('clone-cli: --target and --url are required.');
    }
    let source: GitSourceSpec;
    try {
        source = checkGitSource({ url: values.url, ref: values.ref, folder: values.folder });
    } catch (err) {
        return fail((err as Error).message);
    }
    let told = 0;
    try {
        const outcome = await cloneOnce(source, values.target, {
            env: process.env,
            onProgress: line => {
                // One line a second at most: the log is read for the latest, not kept as a record.
                if (Date.now() - told >= 1_000 || /, done$/.test(line)) {
                    told = Date.now();
                    process.stderr.write(`${line}\n`);
                }
            }
        }, values['has-credential']!);
        process.stderr.write(outcome === 'present' ? `${values.target} exists: nothing to clone.\n` : `Cloned ${source.url} into ${values.target}.\n`);
        return 0;
    } catch (err) {
        return fail((err as Error).message);
    }
}

if (require.main === module) {
    main().then(code => { process.exitCode = code; }, err => {
        process.stderr.write(`clone-cli: ${(err as Error).stack ?? err}\n`);
        process.exitCode = 1;
    });
}
