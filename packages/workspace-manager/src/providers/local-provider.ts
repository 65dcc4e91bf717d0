import { ChildProcess, execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { Worker } from 'worker_threads';
import { DNS_LABEL, gitRemoteOf, GitSourceSpec, IDE_ENV, IDE_IDENTITY_PATH, IDE_NONCE_HEADER, parseWorkspaceKey, WorkspaceKey, workspaceKey } from '@warren/workspace-api';
import { cloneGitEnv, workspaceGitEnv } from '@warren/git-credential-helper';
import { defaultAppDir, freePort, ideProvesIdentity, sandboxCommand, SandboxSpec, spawnIde, stopProcessGroup } from '@warren/ide-launcher';
import { cacheProgPath, locateGo, warrenCacheDir } from '@warren/go-toolchain';
import { memoryBytes, WorkspaceClass } from '../classes';
import { Observation } from '../lifecycle/phase';
import { WorkspaceRecord } from '../model';
import { cloneAndPlace } from './git-clone';
import { publishInWorker } from './go-build-cache';
import { findIdeProcesses, IdeProcess, isIdeOf } from './ide-processes';
import { Provider, RuntimeFacts, WorkspaceRef } from './provider';
import { TenantUser, TenantUsers } from './tenant-users';

export interface LocalProviderOptions {
    /** The data folder; workspaces live in <dataDir>/tenants/<tenant>/workspaces/<id>. */
    dataDir: string;
    /** Files a new workspace starts with (e.g. examples/hello); empty folder when absent. */
    templateDir?: string;
    /** The control plane's environment: where go and Warren's tools are found, and the few variables IDES_ENV_PASSED names. */
    env?: NodeJS.ProcessEnv;
    /**
     * Each tenant's IDEs run as its own Unix user in a bubblewrap sandbox: the default as root. Off
     * (an ordinary user's Warren), IDEs run as this user and see what it sees (doc/security.md).
     */
    sandbox?: boolean;
    /** Only this tenant may run workspaces (set where IDEs are not sandboxed: they would all be one Unix user). */
    onlyTenant?: string;
    /** Ports of this machine's loopback that a sandboxed IDE may reach (the manager's heartbeat endpoint); nothing else there. */
    hostPorts?: number[];
    /** The secret every request to a workspace's IDE must carry (ide-guard); none: IDEs answer anyone. */
    secretOf?: (ws: WorkspaceRef) => string;
    /** How often adopted IDEs are checked for life. */
    pollMs?: number;
    /** More environment for one workspace's IDE (where to send heartbeats and the workspace's token). */
    workspaceEnv?: (ws: WorkspaceRecord) => Record<string, string>;
    /**
     * The go command of each workspace reads its tenant's shared build cache after its own, through
     * warren-gocacheprog (built by `warren-go-tools install`); default on where that is built (doc/go-build-cache.md).
     */
    sharedGoCache?: boolean;
    /** Whether the tenant has a git token for a host: a refused clone's message says which fix applies. */
    hasGitCredential?(tenant: string, host: string): Promise<boolean>;
}

/** A clone in progress: its last progress line, and how to cancel it. */
interface CloneJob {
    progress: string;
    abort: AbortController;
    done: Promise<void>;
}

/** What is kept on disk of a launched IDE, written right after the launch, so that a restarted manager can adopt it. */
interface RuntimeFile {
    pid: number;
    port: number;
    /** When it was launched, ms since the epoch. */
    launchedAt: number;
}

const MiB = 1024 * 1024;

/**
 * Workspaces as folders and IDE processes on this machine: one backend per running workspace on
 * 127.0.0.1 with a port of its own, its files, HOME, Go caches and IDE settings inside the
 * workspace's folder. A process that dies is noticed within seconds and reported with its reason.
 * IDEs outlive the manager; a restarted one finds them in /proc and adopts them, so that there is
 * never a second IDE for a workspace.
 */
export class LocalProvider implements Provider {
    readonly name = 'local';
    protected readonly exits = new Map<WorkspaceKey, string>();
    protected readonly listeners = new Set<(tenant: string, id: string) => void>();
    protected readonly watched = new Map<WorkspaceKey, WorkspaceRef>();
    /** IDEs this manager run launched: their exit event tells why they ended. */
    protected readonly children = new Map<WorkspaceKey, ChildProcess>();
    /** Per workspace, what of its class this provider could not apply. */
    protected readonly notes = new Map<WorkspaceKey, string[]>();
    /** Folders being removed in the background. */
    protected readonly removals = new Set<Promise<void>>();
    protected readonly poll: NodeJS.Timeout;
    protected readonly dataDir: string;
    protected scan?: { at: number; found: Map<WorkspaceKey, IdeProcess[]> };
    protected readonly sandboxed: boolean;
    protected readonly users = new TenantUsers();
    /** warren-gocacheprog, where the shared Go build cache is on. */
    protected readonly cacheProg?: string;
    /** Clones running now, and why the last one of a workspace failed (told once, by observe). */
    protected readonly clones = new Map<WorkspaceKey, CloneJob>();
    protected readonly cloneFailures = new Map<WorkspaceKey, string>();

    constructor(protected readonly options: LocalProviderOptions) {
        this.dataDir = path.resolve(options.dataDir);
        this.sandboxed = options.sandbox ?? process.getuid?.() === 0;
        const cacheProg = options.sharedGoCache === false ? undefined : cacheProgPath(options.env ?? process.env);
        this.cacheProg = cacheProg && fs.existsSync(cacheProg) ? cacheProg : undefined;
        // Processes this manager launched report their exit; adopted ones are polled.
        this.poll = setInterval(() => this.checkAdopted(), options.pollMs ?? 2_000);
        this.poll.unref();
        // What a crash left in the trash is removed again, in the background.
        this.removeLater(this.trashDir());
    }

    /** The workspace's folders; ids are checked again here because they become paths. */
    paths(ws: WorkspaceRef): { root: string; files: string; cloning: string; home: string; config: string; tmp: string; etc: string; log: string; runtime: string } {
        if (!DNS_LABEL.test(ws.tenant) || !DNS_LABEL.test(ws.id)) {
            throw new Error(`refusing a path for tenant "${ws.tenant}" and workspace "${ws.id}": not DNS-1123 labels`);
        }
        const root = path.join(this.dataDir, 'tenants', ws.tenant, 'workspaces', ws.id);
        return {
            root, files: path.join(root, 'files'), cloning: path.join(root, 'files.cloning'), home: path.join(root, 'home'), config: path.join(root, 'ide-config'),
            tmp: path.join(root, 'tmp'), etc: path.join(root, 'sandbox-etc'), log: path.join(root, 'logs', 'ide.log'), runtime: path.join(root, 'runtime.json')
        };
    }

    /** The tenant's shared Go build cache (read-only to its workspaces) and a workspace's own (in its HOME), on this machine. */
    goCaches(ws: WorkspaceRef): { shared: string; own: string } {
        return { shared: this.sharedGoCache(ws.tenant), own: path.join(this.paths(ws).home, '.cache', 'warren-go-build') };
    }

    protected sharedGoCache(tenant: string): string {
        return path.join(this.dataDir, 'tenants', tenant, 'go-build-cache');
    }

    async observe(ws: WorkspaceRecord): Promise<Observation & RuntimeFacts> {
        const key = workspaceKey(ws);
        const p = this.paths(ws);
        const clone = this.clones.get(key);
        const storage = fs.existsSync(p.files) ? 'ready' : clone ? 'creating' : 'absent';
        const notes = this.notes.get(key) ?? [];
        if (storage !== 'ready') {
            const gaveUp = this.cloneFailures.get(key);
            this.cloneFailures.delete(key);
            return { storage, runtime: 'absent', ready: false, node: 'local', notes, progress: clone?.progress, gaveUp };
        }
        let rt = readRuntime(p.runtime);
        const child = this.children.get(key);
        if (rt && child && !isIdeOf(rt.pid, p.files)) {
            // Our own IDE just died: its exit event, with the signal or exit code, is a moment away.
            await exitOf(child, 2_000);
        }
        if (!rt || !isIdeOf(rt.pid, p.files)) {
            // An IDE that a crashed manager launched without writing its runtime file down.
            const stray = this.findIdes(ws)[0];
            if (stray && !this.exits.has(key) && isIdeOf(stray.pid, p.files)) {
                rt = await this.adopt(ws, stray);
            }
        }
        if (rt && isIdeOf(rt.pid, p.files)) {
            this.watched.set(key, { tenant: ws.tenant, id: ws.id });
            const ready = await this.answers(ws, rt.port);
            return {
                storage, runtime: ready ? 'running' : 'starting', ready, launchedAt: rt.launchedAt, url: `http://127.0.0.1:${rt.port}/`,
                node: 'local', runtimeId: String(rt.pid), notes, lastWords: ready ? undefined : lastLine(p.log).replace(/^; /, '') || undefined
            };
        }
        const exitReason = this.exits.get(key) ?? (rt ? adoptedExit(rt.pid, p.log) : undefined);
        if (exitReason) {
            return { storage, runtime: 'exited', ready: false, exitReason, node: 'local', notes };
        }
        return { storage, runtime: 'absent', ready: false, node: 'local', notes };
    }

    async ensureStorage(ws: WorkspaceRecord): Promise<void> {
        const p = this.paths(ws);
        if (fs.existsSync(p.files) || this.clones.has(workspaceKey(ws))) {
            return;
        }
        if (ws.source.kind === 'git') {
            await this.startClone(ws, ws.source);
            return;
        }
        // Made beside and renamed into place: a crash leaves no half-copied workspace. Asynchronous,
        // so that copying a big template does not hold up the event loop that proxies every tenant.
        const staging = `${p.files}.tmp-${process.pid}`;
        await fs.promises.rm(staging, { recursive: true, force: true });
        await fs.promises.mkdir(path.dirname(p.files), { recursive: true, mode: 0o700 });
        if (this.options.templateDir) {
            await fs.promises.cp(this.options.templateDir, staging, { recursive: true });
        } else {
            await fs.promises.mkdir(staging);
        }
        await fs.promises.mkdir(p.home, { recursive: true, mode: 0o700 });
        await fs.promises.chmod(staging, 0o700);
        if (this.sandboxed) {
            // The tenant's from the start: its first start then has nothing to hand over.
            const user = await this.users.ensure(ws.tenant);
            await handOver(user, [staging, p.home]);
        }
        await fs.promises.rename(staging, p.files);
    }

    async start(ws: WorkspaceRecord, cls: WorkspaceClass): Promise<void> {
        const key = workspaceKey(ws);
        const p = this.paths(ws);
        if (this.options.onlyTenant !== undefined && ws.tenant !== this.options.onlyTenant) {
            throw new Error(`tenant ${ws.tenant} cannot run workspaces here: Warren runs as the ordinary user ${userName()}, so every IDE would run `
                + `as that user and tenants would not be apart; only the owner's tenant ${this.options.onlyTenant} may. Run Warren as root `
                + '(each tenant then gets its own Unix user and sandbox), or use the kubernetes provider.');
        }
        this.notes.set(key, unsupportedOf(cls));
        const rt = readRuntime(p.runtime);
        if (rt && isIdeOf(rt.pid, p.files)) {
            return; // launched already
        }
        const stray = this.findIdes(ws, true)[0];
        if (stray) {
            await this.adopt(ws, stray);
            return;
        }
        this.exits.delete(key);
        await this.publishGoCaches(ws.tenant);
        const port = await freePort();
        const sandbox = this.sandboxed ? await this.sandboxOf(ws, await this.users.ensure(ws.tenant), port, p.files) : undefined;
        const ide = await spawnIde({
            workspace: ws.source.kind === 'git' && ws.source.folder ? path.join(p.files, ws.source.folder) : p.files, configDir: p.config, port, env: this.environment(ws, cls, sandbox?.homeAt ?? p.home), logFile: p.log,
            secret: this.options.secretOf?.(ws), sandbox
        });
        // Written down at once: if the manager dies now, the next one adopts this IDE instead of launching another.
        await writeRuntime(p.runtime, { pid: ide.process.pid!, port, launchedAt: Date.now() });
        this.watched.set(key, { tenant: ws.tenant, id: ws.id });
        this.children.set(key, ide.process);
        ide.process.once('exit', (code, signal) => {
            this.children.delete(key);
            endRemnants(ide.process.pid!);
            if (fs.existsSync(p.runtime)) {
                this.exits.set(key, `${signal ? `signal ${signal}` : `exit code ${code}`}${lastLine(p.log)}`);
                this.fire(ws);
            }
        });
    }

    async stop(ref: WorkspaceRef): Promise<void> {
        const key = workspaceKey(ref);
        const p = this.paths(ref);
        const rt = readRuntime(p.runtime);
        // Removed first: the exit that follows is the one asked for, not a failure.
        await fs.promises.rm(p.runtime, { force: true });
        this.watched.delete(key);
        this.exits.delete(key);
        const pids = new Set(this.findIdes(ref, true).map(ide => ide.pid));
        if (rt && isIdeOf(rt.pid, p.files)) {
            pids.add(rt.pid);
        }
        // Stopped once nothing of it runs: its last children may wait for PID 1 to reap them.
        await Promise.all([...pids].map(pid => stopProcessGroup(pid, 10_000, { untilReaped: false })));
        // The last scan saw them alive: it must not bring them back as strays.
        this.scan = undefined;
        await this.publishGoCaches(ref.tenant, [ref]);
    }

    /**
     * Copies into the tenant's shared Go build cache what its workspaces built since (by default all of
     * them: a start publishes what the tenant's running workspaces built, so a new one finds it).
     * Never fails a start or a stop: the shared cache only saves time.
     */
    protected async publishGoCaches(tenant: string, refs?: WorkspaceRef[]): Promise<void> {
        if (!this.cacheProg) {
            return;
        }
        const shared = this.sharedGoCache(tenant);
        await fs.promises.mkdir(shared, { recursive: true });
        await fs.promises.chmod(shared, 0o755); // the sandbox shows it to the tenant's user; the control plane's umask is 077
        const dir = path.join(this.dataDir, 'tenants', tenant, 'workspaces');
        const ids = refs?.map(r => r.id) ?? await fs.promises.readdir(dir).catch(() => []);
        // What is published must be the tenant's own writing: the files read must belong to its user.
        const owner = this.sandboxed ? (await this.users.ensure(tenant)).uid : process.getuid?.();
        for (const id of ids.filter(id => DNS_LABEL.test(id))) {
            await publishInWorker(this.goCaches({ tenant, id }).own, shared, owner).catch(() => undefined);
        }
    }

    async remove(ref: WorkspaceRef): Promise<void> {
        await this.cancelClone(ref);
        await this.stop(ref);
        const root = this.paths(ref).root;
        // Renamed out of the way at once, removed in the background: gigabytes of Go caches take a while.
        const trash = path.join(this.trashDir(), `${ref.tenant}.${ref.id}.${Date.now()}`);
        await fs.promises.mkdir(this.trashDir(), { recursive: true });
        try {
            await fs.promises.rename(root, trash);
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
                return;
            }
            throw err;
        }
        this.removeLater(trash);
    }

    async list(): Promise<WorkspaceRef[]> {
        const refs = new Map<WorkspaceKey, WorkspaceRef>();
        this.scan = { at: Date.now(), found: findIdeProcesses(this.dataDir) };
        for (const [key, ides] of this.scan.found) {
            refs.set(key, { tenant: ides[0].tenant, id: ides[0].id });
        }
        this.watched.forEach((ref, key) => refs.set(key, ref));
        return [...refs.values()];
    }

    onDidChange(listener: (tenant: string, id: string) => void): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    /** Waits for background removals; running IDEs are left running. */
    async dispose(): Promise<void> {
        clearInterval(this.poll);
        await Promise.all([...this.clones.keys()].map(key => this.cancelClone(parseWorkspaceKey(key))));
        await Promise.all([...this.removals]);
    }

    protected trashDir(): string {
        return path.join(this.dataDir, 'trash');
    }

    /**
     * Removes a folder on a thread of its own: fs.promises.rm still runs a callback on the event loop for every
     * file, and tens of thousands of them (a Go build cache) held the proxy up for 400 ms (bench/delete).
     */
    protected removeLater(dir: string): void {
        const removal = new Promise<void>(resolve => {
            const worker = new Worker('require("fs").rmSync(require("worker_threads").workerData, { recursive: true, force: true });',
                { eval: true, workerData: dir });
            worker.once('error', () => resolve()); // left in the trash: the next start tries again
            worker.once('exit', () => resolve());
        }).finally(() => this.removals.delete(removal));
        this.removals.add(removal);
    }

    /** IDE processes serving this workspace's folder, however they came to be; a scan at most a second old unless fresh. */
    protected findIdes(ref: WorkspaceRef, fresh = false): IdeProcess[] {
        if (fresh || !this.scan || Date.now() - this.scan.at > 1_000) {
            this.scan = { at: Date.now(), found: findIdeProcesses(this.dataDir) };
        }
        return this.scan.found.get(workspaceKey(ref)) ?? [];
    }

    protected async adopt(ref: WorkspaceRef, ide: IdeProcess): Promise<RuntimeFile> {
        const rt: RuntimeFile = { pid: ide.pid, port: ide.port, launchedAt: Date.now() };
        await writeRuntime(this.paths(ref).runtime, rt);
        this.watched.set(workspaceKey(ref), ref);
        return rt;
    }

    /** Readiness: the port answers, and (with a secret) proves to be this workspace's IDE, not a program that took its port. */
    protected async answers(ws: WorkspaceRef, port: number): Promise<boolean> {
        const secret = this.options.secretOf?.(ws);
        if (secret) {
            return ideProvesIdentity(`http://127.0.0.1:${port}/`, secret, { identity: IDE_IDENTITY_PATH, nonceHeader: IDE_NONCE_HEADER });
        }
        // An HTTP answer, not a TCP connection: a sandbox's pasta accepts connections on the port before the IDE listens.
        return fetch(`http://127.0.0.1:${port}/`, { method: 'HEAD', signal: AbortSignal.timeout(2_000) }).then(() => true, () => false);
    }

    /**
     * The sandbox of a workspace's IDE: its own folders writable and owned by the tenant's user, the
     * Go toolchain, Warren's IDE and tools read-only, a private /tmp, and the data folder hidden.
     */
    protected async sandboxOf(ws: WorkspaceRecord, user: TenantUser, port: number, files: string): Promise<SandboxSpec> {
        if (!onPath('pasta', this.options.env ?? process.env)) {
            throw new Error('pasta is not installed: sandboxed IDEs get their network from it. Install it with "apt-get install passt" (scripts/start.sh does).');
        }
        const p = this.paths(ws);
        await fs.promises.rm(p.tmp, { recursive: true, force: true });
        const own = [files, p.home, p.config, p.tmp];
        for (const dir of own) {
            await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
        }
        // A workspace made before sandboxing, or by an ordinary user's Warren: hand it over once.
        if ((await fs.promises.stat(files)).uid !== user.uid || (await fs.promises.stat(p.home)).uid !== user.uid) {
            await handOver(user, own);
        } else {
            await Promise.all(own.map(dir => fs.promises.chown(dir, user.uid, user.gid)));
        }
        const env = this.options.env ?? process.env;
        const go = locateGo(env);
        // Warren's installation by its parts, not as a whole: its top folder may be closed to others (a clone made
        // with mktemp -d is 0700), and a bind shows the host folder's own mode.
        const install = path.dirname(defaultAppDir());
        const readOnly = [...INSTALL_PARTS.map(part => path.join(install, part)), path.join(warrenCacheDir(env), 'tools'), path.dirname(path.dirname(process.execPath))];
        if (go) {
            readOnly.push(path.dirname(path.dirname(fs.realpathSync(go))));
        }
        if (this.cacheProg) {
            readOnly.push(this.sharedGoCache(ws.tenant));
        }
        return {
            uid: user.uid, gid: user.gid, userName: user.name, home: p.home, homeAt: `/home/${user.name}`, hostname: ws.id,
            writable: [files, p.home, p.config], readOnly: readOnly.filter(dir => fs.existsSync(dir)), hidden: [this.dataDir], tmp: p.tmp, etcDir: p.etc,
            network: { listenPort: port, hostPorts: this.options.hostPorts ?? [] }
        };
    }

    /**
     * The workspace's environment, made afresh: PATH, HOME, its Go caches and settings, locale, and
     * what the class says of memory. Nothing else of the control plane's environment reaches a
     * tenant's terminal: only the names in IDE_ENV_PASSED (proxy, TLS roots, Go module settings).
     */
    protected environment(ws: WorkspaceRecord, cls: WorkspaceClass, home: string): NodeJS.ProcessEnv {
        const operator = this.options.env ?? process.env;
        const go = locateGo(operator);
        const passed = Object.fromEntries(IDE_ENV_PASSED.filter(name => operator[name] !== undefined).map(name => [name, operator[name]]));
        const env: NodeJS.ProcessEnv = {
            ...passed,
            PATH: [...(go ? [path.dirname(go)] : []), path.join(home, 'go', 'bin'), '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'].join(path.delimiter),
            LANG: operator.LANG ?? 'C.UTF-8',
            SHELL: '/bin/bash',
            USER: this.sandboxed ? undefined : userName(),
            WARREN_CACHE_DIR: warrenCacheDir(operator),
            ...(operator.WARREN_GO ? { WARREN_GO: operator.WARREN_GO } : {}),
            HOME: home,
            GOPATH: path.join(home, 'go'),
            GOMODCACHE: path.join(home, 'go', 'pkg', 'mod'),
            GOCACHE: path.join(home, '.cache', 'go-build'),
            ...(this.cacheProg ? { GOCACHEPROG: goCacheProgCommand(this.cacheProg, { own: path.join(home, '.cache', 'warren-go-build'), shared: this.sharedGoCache(ws.tenant) }) } : {}),
            ...ws.goEnv,
            // git asks Warren for the tenant's tokens (packages/git-credential-helper); none is ever in the environment.
            ...workspaceGitEnv(),
            ...this.options.workspaceEnv?.(ws)
        };
        const memory = memoryBytes(cls.memory);
        if (memory) {
            // Go tools (gopls among them) get half the class's memory as a soft limit; the IDE's Node heap a quarter, at most 2 GiB.
            env.GOMEMLIMIT = `${Math.floor(memory / 2 / MiB)}MiB`;
            env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --max-old-space-size=${Math.min(2048, Math.floor(memory / 4 / MiB))}`.trim();
        }
        return env;
    }

    /**
     * Clones the workspace's repository in the background, as the tenant's user inside its sandbox, into
     * files.cloning, renamed to files when complete: a failure, a cancel or a crash leaves nothing that
     * looks like a workspace's files (the next try removes the remnant first). Progress and the end are
     * told through onDidChange.
     */
    protected async startClone(ws: WorkspaceRecord, source: GitSourceSpec): Promise<void> {
        const key = workspaceKey(ws);
        const p = this.paths(ws);
        this.cloneFailures.delete(key);
        await fs.promises.rm(p.cloning, { recursive: true, force: true });
        await fs.promises.mkdir(p.cloning, { recursive: true, mode: 0o700 });
        await fs.promises.mkdir(p.home, { recursive: true, mode: 0o700 });
        const user = this.sandboxed ? await this.users.ensure(ws.tenant) : undefined;
        const sandbox = user ? { ...await this.sandboxOf(ws, user, await freePort(), p.cloning), dieWithParent: true } : undefined;
        const operator = this.options.env ?? process.env;
        const given = this.options.workspaceEnv?.(ws) ?? {};
        const home = sandbox?.homeAt ?? p.home;
        const env: NodeJS.ProcessEnv = {
            PATH: '/usr/local/bin:/usr/bin:/bin', HOME: home, LANG: operator.LANG ?? 'C.UTF-8',
            ...Object.fromEntries(IDE_ENV_PASSED.filter(name => operator[name] !== undefined).map(name => [name, operator[name]])),
            ...cloneGitEnv(),
            // Only this clone runs in its sandbox, so the workspace's token may be in its environment: the helper asks with it.
            [IDE_ENV.activityUrl]: given[IDE_ENV.activityUrl], [IDE_ENV.token]: given[IDE_ENV.token]
        };
        const job: CloneJob = { progress: 'Cloning into the workspace', abort: new AbortController(), done: Promise.resolve() };
        let told = 0;
        const host = gitRemoteOf(source.url)?.host;
        const hasCredential = host ? await this.options.hasGitCredential?.(ws.tenant, host).catch(() => false) ?? false : false;
        job.done = cloneAndPlace(source, p.cloning, p.files, {
            wrap: sandbox ? (argv, cwd) => sandboxCommand(sandbox, this.afterNetwork(sandbox, argv), cwd) : undefined,
            env, signal: job.abort.signal,
            onProgress: line => {
                job.progress = line;
                if (Date.now() - told > 1_000) {
                    told = Date.now();
                    this.fire(ws);
                }
            }
        }, hasCredential).catch(err => {
            this.cloneFailures.set(key, (err as Error).message);
        }).finally(() => {
            this.clones.delete(key);
            this.fire(ws);
        });
        this.clones.set(key, job);
    }

    /** The command, once the sandbox's forwarded ports connect (pasta sets them up while the command starts). */
    protected afterNetwork(sandbox: SandboxSpec, argv: string[]): string[] {
        const port = sandbox.network?.hostPorts[0];
        return port ? [process.execPath, path.join(__dirname, 'wait-for-network.js'), String(port), '--', ...argv] : argv;
    }

    protected async cancelClone(ref: WorkspaceRef): Promise<void> {
        const job = this.clones.get(workspaceKey(ref));
        if (job) {
            job.abort.abort();
            await job.done;
        }
        this.cloneFailures.delete(workspaceKey(ref));
    }

    protected checkAdopted(): void {
        for (const [key, ref] of this.watched) {
            if (this.children.has(key)) {
                continue; // its exit event reports it, with the reason
            }
            const p = this.paths(ref);
            const rt = readRuntime(p.runtime);
            if (rt && !isIdeOf(rt.pid, p.files) && !this.exits.has(key)) {
                endRemnants(rt.pid);
                this.exits.set(key, adoptedExit(rt.pid, p.log));
                this.fire(ref);
            }
        }
    }

    protected fire(ref: WorkspaceRef): void {
        this.listeners.forEach(l => l(ref.tenant, ref.id));
    }
}

/** GOCACHEPROG's value: the go command splits it into words, and a quoted path stays one. */
function goCacheProgCommand(binary: string, caches: { shared: string; own: string }): string {
    const quote = (word: string): string => (/[\s'"]/.test(word) ? `"${word.replace(/"/g, '')}"` : word);
    return [binary, '-dir', caches.own, '-shared', caches.shared].map(quote).join(' ');
}

/** What of Warren's installation an IDE runs: the Theia application, its packages and extensions, the plugins. */
const INSTALL_PARTS = ['browser-app', 'node_modules', 'packages', 'plugins'];

/** What of the control plane's environment an IDE gets: reaching the network and the module proxy, and the locale. */
export const IDE_ENV_PASSED = [
    'LC_ALL', 'LC_CTYPE', 'TZ', 'TERM',
    'GOPROXY', 'GONOPROXY', 'GOPRIVATE', 'GONOSUMDB', 'GONOSUMCHECK', 'GOSUMDB', 'GOINSECURE', 'GOTOOLCHAIN', 'GOFLAGS',
    'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
    'SSL_CERT_FILE', 'SSL_CERT_DIR', 'NODE_EXTRA_CA_CERTS', 'GIT_SSL_CAINFO'
] as const;

/** Gives folders, and all in them, to the tenant's user: links themselves, never what they point at; off the event loop. */
async function handOver(user: TenantUser, dirs: string[]): Promise<void> {
    await promisify(execFile)('chown', ['-R', '--no-dereference', `${user.uid}:${user.gid}`, ...dirs]);
}

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
    return [...(env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin'].some(dir => {
        try {
            fs.accessSync(path.join(dir, command), fs.constants.X_OK);
            return true;
        } catch {
            return false;
        }
    });
}

function userName(): string {
    try {
        return os.userInfo().username;
    } catch {
        return String(process.getuid?.());
    }
}

/** What of a class the local provider cannot apply on one machine, said so that nobody thinks it did. */
export function unsupportedOf(cls: WorkspaceClass): string[] {
    const notes = [
        `NotApplied: cpu ${cls.cpu} is not limited by the local provider`,
        `NotApplied: disk ${cls.disk} is not limited by the local provider`
    ];
    if (cls.gpuResource && cls.gpuCount) {
        notes.push(`NotApplied: GPU ${cls.gpuResource} x${cls.gpuCount}: the local provider has no GPUs to give; use the kubernetes provider`);
    }
    return notes;
}

/**
 * What is left of an IDE whose group leader ended: killed from outside (a test, the OOM killer), a
 * sandbox's outer bwrap leaves its PID namespace running, IDE included. The IDE counts as ended,
 * so all of it goes: a second one for the workspace would follow otherwise.
 */
function endRemnants(pgid: number): void {
    try {
        process.kill(-pgid, 'SIGKILL');
    } catch {
        // nothing left
    }
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.resolve();
    }
    return new Promise(resolve => {
        const timer = setTimeout(resolve, timeoutMs);
        child.once('exit', () => { clearTimeout(timer); resolve(); });
    });
}

function readRuntime(file: string): RuntimeFile | undefined {
    try {
        return JSON.parse(fs.readFileSync(file, 'utf8')) as RuntimeFile;
    } catch {
        return undefined;
    }
}

async function writeRuntime(file: string, rt: RuntimeFile): Promise<void> {
    await fs.promises.writeFile(`${file}.tmp`, JSON.stringify(rt), { mode: 0o600 });
    await fs.promises.rename(`${file}.tmp`, file);
}

/** An IDE this manager run adopted has no exit status to report: say what is known. */
function adoptedExit(pid: number, log: string): string {
    return `the IDE process ${pid} ended; its exit status is unknown because an earlier run of the manager started it${lastLine(log)}`;
}

/** The log's last line, read from its last 4 KiB: an IDE's log can grow large. */
function lastLine(log: string): string {
    try {
        const fd = fs.openSync(log, 'r');
        try {
            const size = fs.fstatSync(fd).size;
            const buffer = Buffer.alloc(Math.min(size, 4096));
            fs.readSync(fd, buffer, 0, buffer.length, size - buffer.length);
            const lines = buffer.toString('utf8').trimEnd().split('\n');
            return lines[lines.length - 1] ? `; its log ends: ${lines[lines.length - 1].slice(0, 300)}` : '';
        } finally {
            fs.closeSync(fd);
        }
    } catch {
        return '';
    }
}
