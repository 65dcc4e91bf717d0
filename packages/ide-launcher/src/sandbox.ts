import * as fs from 'fs';
import * as path from 'path';

/** Who an IDE runs as, and what of this machine it sees. */
export interface SandboxSpec {
    /** The tenant's own Unix user and group. */
    uid: number;
    gid: number;
    /** Its name, written into the sandbox's /etc/passwd so that tools (git, ssh, id) know it. */
    userName: string;
    /** The user's home folder (one of writable). */
    home: string;
    /**
     * Where the home folder shows inside (default: its own path). The same for all of a tenant's
     * workspaces, so that the module cache's paths, and so the build actions of its packages, are the
     * same in each: the tenant's shared Go build cache then serves them (doc/go-build-cache.md).
     */
    homeAt?: string;
    /** The sandbox's host name: the workspace's id. */
    hostname: string;
    /** Folders the IDE writes (the workspace's files, home, IDE settings), at the same path inside. */
    writable: string[];
    /** Folders it reads (the Go toolchain, Warren's IDE and tools, its tenant's shared Go build cache), at the same path inside. */
    readOnly: string[];
    /** Host folders hidden behind an empty tmpfs (the data folder, when a read-only folder holds it). */
    hidden: string[];
    /** The host folder that is the sandbox's private /tmp. */
    tmp: string;
    /** Where the generated passwd and group files are written (a folder only root writes). */
    etcDir: string;
    /**
     * A network of its own (pasta from Debian's passt): the sandbox reaches the outside world (the
     * module proxy) but nothing on this machine's loopback, other tenants' servers included, except
     * hostPorts; listenPort on this machine's 127.0.0.1 leads to the IDE. None: the host's network.
     */
    network?: { listenPort: number; hostPorts: number[] };
    /** End the sandbox when the process that started it ends (a clone the control plane runs; an IDE outlives it). */
    dieWithParent?: boolean;
}

/**
 * Run as root inside the sandbox, before the drop to the tenant: a network namespace, kept on a file
 * in a folder only root sees, that pasta (left in the host's) connects to the world while the IDE,
 * entering it at once, starts. The shell stays as the IDE's parent and pasta's, so that pasta is
 * never taken for a command the IDE runs (the IDE's busy-process heartbeats); it passes a stop on to
 * the IDE, waits for it and exits with its status. pasta is in the sandbox's PID namespace, so it
 * ends with it. Should pasta fail, everything in the sandbox is ended, with the reason in the log:
 * an IDE cut off from the network would fail silently.
 */
const NETWORK_LAUNCHER = 'listen=$1; out=$2; shift 2; ns=/run/warren/net; '
    + 'touch $ns && unshare --net=$ns true || { echo "warren: the sandbox got no network namespace" >&2; exit 70; }; '
    + 'nsenter --net=$ns -- "$@" & ide=$!; trap \'kill -TERM $ide\' TERM INT HUP; '
    + '(pasta --foreground --runas 0 --netns $ns --config-net --no-map-gw -t "127.0.0.1/$listen" -T "$out" -u none -U none --quiet '
    + '|| { echo "warren: pasta could not connect the sandbox\'s network" >&2; kill -KILL -1; }) & '
    + 'status=0; while kill -0 $ide 2>/dev/null; do wait $ide; status=$?; done; exit $status';

/** What of /etc an IDE needs: name resolution, TLS roots, time zone, the dynamic linker, the shell's defaults. Nothing else of it. */
const ETC = ['resolv.conf', 'hosts', 'nsswitch.conf', 'host.conf', 'ssl', 'ca-certificates', 'ca-certificates.conf', 'localtime', 'timezone',
    'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'alternatives', 'bash.bashrc', 'profile', 'inputrc', 'gitconfig', 'mime.types', 'os-release'];

/** The top-level links (or folders) of a merged /usr: /bin → usr/bin and friends. */
const USR_LINKS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

/**
 * The bubblewrap command line that runs `command` as the tenant's user. bwrap runs as root and
 * builds the mount namespace (so the read-only folders may live under folders the tenant cannot
 * enter, like root's own cache folder); setpriv then drops to the tenant's uid with no capabilities and no
 * way back before anything of the tenant's runs. Root's bwrap is PID 1 of the new PID namespace:
 * the tenant can neither read its environment nor signal it, and when it ends every process of the
 * sandbox ends with it. Why not `bwrap --unshare-user --uid N` run as root: the uid inside then
 * maps to root outside (see doc/security.md).
 */
export function sandboxCommand(spec: SandboxSpec, command: string[], cwd: string): string[] {
    const args: string[] = ['--ro-bind', '/usr', '/usr'];
    for (const name of USR_LINKS) {
        const host = `/${name}`;
        const link = readLink(host);
        if (link !== undefined) {
            args.push('--symlink', link, host);
        } else if (fs.existsSync(host)) {
            args.push('--ro-bind', host, host);
        }
    }
    args.push('--proc', '/proc', '--dev', '/dev', '--perms', '0755', '--dir', '/etc');
    for (const name of ETC) {
        args.push('--ro-bind-try', `/etc/${name}`, `/etc/${name}`);
    }
    args.push('--ro-bind', writeEtc(spec, 'passwd'), '/etc/passwd', '--ro-bind', writeEtc(spec, 'group'), '/etc/group');
    // The private /tmp first: a folder under the host's /tmp (a data folder, in tests) is bound over it afterwards.
    args.push('--bind', spec.tmp, '/tmp');
    const readOnly: string[] = ['/usr', '/proc', '/dev'];
    const made = new Set<string>(['/etc', '/tmp']);
    const bind = (flag: string, dir: string, at = dir): void => {
        const source = path.resolve(dir);
        const target = path.resolve(at);
        if (flag === '--ro-bind' && within(target, readOnly)) {
            return; // already visible, read-only, through a folder above it
        }
        args.push(...parentsOf(target, readOnly, made), flag, source, target);
        made.add(target);
        if (flag === '--ro-bind') {
            readOnly.push(target);
        }
    };
    // A read-only folder inside a hidden one (the tenant's shared Go build cache in the data folder) is bound after the tmpfs that hides it.
    const insideHidden = (dir: string): boolean => within(path.resolve(dir), spec.hidden.map(h => path.resolve(h)));
    spec.readOnly.filter(dir => !insideHidden(dir)).forEach(dir => bind('--ro-bind', dir));
    for (const dir of spec.hidden) {
        const target = path.resolve(dir);
        args.push(...parentsOf(target, readOnly, made), '--perms', '0755', '--tmpfs', target);
        made.add(target);
    }
    spec.readOnly.filter(insideHidden).forEach(dir => bind('--ro-bind', dir));
    spec.writable.forEach(dir => bind('--bind', dir, dir === spec.home ? spec.homeAt ?? dir : dir));
    if (spec.network) {
        // pasta's tun device, in a folder closed to the tenant.
        args.push('--perms', '0755', '--dir', '/run', '--perms', '0700', '--tmpfs', '/run/warren',
            '--perms', '0700', '--dir', '/dev/net', '--dev-bind', '/dev/net/tun', '/dev/net/tun');
    }
    if (spec.dieWithParent) {
        args.push('--die-with-parent');
    }
    args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--hostname', spec.hostname, '--chdir', cwd);
    const asTenant = ['setpriv', `--reuid=${spec.uid}`, `--regid=${spec.gid}`, '--clear-groups', '--no-new-privs', '--inh-caps=-all', '--bounding-set=-all', '--',
        ...command];
    const network = spec.network
        ? ['/bin/sh', '-c', NETWORK_LAUNCHER, 'warren-sandbox', String(spec.network.listenPort), spec.network.hostPorts.join(',') || 'none']
        : [];
    return ['bwrap', ...args, '--', ...network, ...asTenant];
}

/**
 * `--dir` for each folder above target that is neither made yet nor inside a read-only bind (where
 * the host's folders show): bwrap would make them 0700, closed to the tenant.
 */
function parentsOf(target: string, readOnly: string[], made: Set<string>): string[] {
    const args: string[] = [];
    for (let dir = path.dirname(target); dir !== path.dirname(dir) && !made.has(dir) && !within(dir, readOnly); dir = path.dirname(dir)) {
        args.unshift('--perms', '0755', '--dir', dir);
        made.add(dir);
    }
    return args;
}

function within(dir: string, folders: string[]): boolean {
    return folders.some(f => dir === f || dir.startsWith(f + path.sep));
}

function readLink(file: string): string | undefined {
    try {
        return fs.readlinkSync(file);
    } catch {
        return undefined;
    }
}

/** The sandbox's passwd or group file: root, the tenant and nobody; the host's other users are none of its business. */
function writeEtc(spec: SandboxSpec, name: 'passwd' | 'group'): string {
    const text = name === 'passwd'
        ? `root:x:0:0:root:/root:/usr/sbin/nologin\n${spec.userName}:x:${spec.uid}:${spec.gid}:Warren tenant:${spec.homeAt ?? spec.home}:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`
        : `root:x:0:\n${spec.userName}:x:${spec.gid}:\nnogroup:x:65534:\n`;
    fs.mkdirSync(spec.etcDir, { recursive: true });
    const file = path.join(spec.etcDir, name);
    fs.writeFileSync(`${file}.tmp`, text);
    fs.chmodSync(`${file}.tmp`, 0o644); // the tenant reads it; the control plane's umask is 077
    fs.renameSync(`${file}.tmp`, file);
    return file;
}
