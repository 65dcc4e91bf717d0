/**
 * The repository the clone bench clones: a Go module (go.mod, main.go) with history, whose commits each add files of
 * random bytes (incompressible, so the pack is about as big as the data), pushed into a bare repository of the bench's
 * GitServer and repacked into one pack, as a hosted repository is.
 */
import { execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { GitServer, GitServerOptions } from '@warren/testing';

export interface RepoPlan {
    /** The data the commits add, in all, in MB (10^6 bytes). */
    dataMB: number;
    commits: number;
    /** Each random file's size in bytes. */
    fileBytes: number;
}

export interface GeneratedRepo {
    url: string;
    /** The bare repository's one pack after `git repack -ad`, in bytes. */
    packBytes: number;
    commits: number;
    /** Files in main's tree (the random ones and the module's). */
    files: number;
}

const IDENTITY = {
    GIT_AUTHOR_NAME: 'Bench Author', GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'Bench Author', GIT_COMMITTER_EMAIL: 'bench@example.com'
};

function git(args: string[]): string {
    return execFileSync('git', args, { encoding: 'utf8', env: { ...process.env, ...IDENTITY }, maxBuffer: 16 * 1024 * 1024 });
}

function mainGo(commit: number): string {
    return `package main\n\nimport "fmt"\n\n// revision is bumped by every commit of the generated history.\nconst revision = ${commit}\n\nfunc main() {\n\tfmt.Println("revision", revision)\n}\n`;
}

/** Creates `name` on the server with the module's first commit, then pushes plan.commits more commits of data into it. */
export function generateRepo(server: GitServer, name: string, plan: RepoPlan): GeneratedRepo {
    const url = server.createRepo(name, { 'go.mod': 'module example.com/bigrepo\n\ngo 1.22\n', 'main.go': mainGo(0) });
    const bare = server.repoDir(name);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-clone-seed-'));
    try {
        git(['clone', '-q', bare, work]);
        const perCommit = Math.ceil(plan.dataMB * 1_000_000 / plan.commits / plan.fileBytes);
        for (let c = 1; c <= plan.commits; c++) {
            const dir = path.join(work, 'data', `batch-${c}`);
            fs.mkdirSync(dir, { recursive: true });
            for (let f = 0; f < perCommit; f++) {
                fs.writeFileSync(path.join(dir, `blob-${f}.bin`), randomBytes(plan.fileBytes));
            }
            fs.writeFileSync(path.join(work, 'main.go'), mainGo(c));
            git(['-C', work, 'add', '-A']);
            git(['-C', work, 'commit', '-q', '-m', `Add data batch ${c}`]);
        }
        git(['-C', work, 'push', '-q', 'origin', 'main']);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
    git(['-C', bare, 'repack', '-a', '-d', '-q']);
    const packDir = path.join(bare, 'objects', 'pack');
    const packBytes = fs.readdirSync(packDir).filter(f => f.endsWith('.pack')).reduce((sum, f) => sum + fs.statSync(path.join(packDir, f)).size, 0);
    return {
        url,
        packBytes,
        commits: Number(git(['-C', bare, 'rev-list', '--count', 'main']).trim()),
        files: git(['-C', bare, 'ls-tree', '-r', '--name-only', 'main']).trim().split('\n').length
    };
}

/** The bench's GitServer, which also notes when each request arrived (performance.now()), to split a clone's time. */
export class TimedGitServer extends GitServer {
    readonly arrivals: Array<{ at: number; path: string; doneAt?: number }> = [];

    static async startTimed(options: GitServerOptions): Promise<TimedGitServer> {
        const server = new TimedGitServer(options);
        await server.listen();
        return server;
    }

    /**
     * As ms from t0: the first request after it, the first upload-pack POST (protocol v2's ls-refs) and the end of the
     * last one's answer (the fetch: the pack's last byte handed to the socket).
     */
    split(t0: number): { toFirstRequestMs: number | null; toUploadPackMs: number | null; toPackSentMs: number | null } {
        const after = this.arrivals.filter(a => a.at >= t0);
        const uploads = after.filter(a => a.path.endsWith('/git-upload-pack'));
        const fetch = uploads.at(-1);
        return {
            toFirstRequestMs: after.length ? Math.round(after[0].at - t0) : null,
            toUploadPackMs: uploads.length ? Math.round(uploads[0].at - t0) : null,
            toPackSentMs: fetch?.doneAt !== undefined ? Math.round(fetch.doneAt - t0) : null
        };
    }

    protected override handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const arrival: { at: number; path: string; doneAt?: number } = { at: performance.now(), path: new URL(req.url ?? '/', 'http://git').pathname };
        this.arrivals.push(arrival);
        res.once('finish', () => { arrival.doneAt = performance.now(); });
        super.handle(req, res);
    }
}
