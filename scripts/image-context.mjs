// Stages what one of Warren's images needs from a built checkout into a small build context (scripts/image.sh):
//   node scripts/image-context.mjs <checkout> <dest> [workspace|control-plane]
// The layout under <dest>/app mirrors the checkout (packages/<name>/, node_modules/, browser-app/, plugins/go/),
// so that every require and require.resolve finds what it finds in the checkout. Only the target's own packages and
// their runtime dependencies are copied from node_modules, not the 800 MB of development dependencies.
//   workspace       the IDE: the Theia backend and frontend are bundled by `theia build` (browser-app/lib, with its
//                   native modules beside them); the launcher's and the Go plugin's dependencies.
//   control-plane   the gateway with its UI, the workspace manager, the CLI, and their dependencies: no Theia. Native
//                   modules that are not N-API (better-sqlite3) are staged as sources in <dest>/native/<name>, without
//                   the checkout's build (it is for this Node's ABI): the image compiles them for its own Node.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const [rootArg, destArg, target = 'workspace'] = process.argv.slice(2);
if (!rootArg || !destArg) {
    console.error('usage: node scripts/image-context.mjs <checkout> <dest> [workspace|control-plane]');
    process.exit(2);
}
const root = path.resolve(rootArg);
const dest = path.resolve(destArg);

/** Warren's own packages: the folder in the checkout of each. A dependency on one is staged only if the target takes it. */
const LOCAL_DIRS = {
    '@warren/browser-app': 'browser-app',
    'warren-go': 'plugins/go',
    'json-language-features': 'plugins/json',
    'git': 'plugins/git',
    '@warren/ide-launcher': 'packages/ide-launcher',
    '@warren/go-toolchain': 'packages/go-toolchain',
    '@warren/workspace-api': 'packages/workspace-api',
    '@warren/go-workspace': 'packages/go-workspace',
    '@warren/welcome': 'packages/welcome',
    '@warren/reconnect': 'packages/reconnect',
    '@warren/compressed-frontend': 'packages/compressed-frontend',
    '@warren/cli': 'packages/cli',
    '@warren/gateway': 'packages/gateway',
    '@warren/workspace-manager': 'packages/workspace-manager',
    '@warren/service-support': 'packages/service-support',
    '@warren/git-credential-helper': 'packages/git-credential-helper'
};

/**
 * Per target: the local packages with the files each takes and which dependencies to follow ('*': all of its
 * dependencies and optional dependencies), npm packages left out (with why), the native modules compiled in the
 * image, and packages that must not be there.
 */
const TARGETS = {
    workspace: {
        description: 'The Warren IDE as the workspace image runs it (scripts/image-context.mjs)',
        packages: {
            '@warren/browser-app': { files: ['package.json', 'lib', 'src-gen', 'resources'], follow: [] },
            'warren-go': { files: ['package.json', 'lib', 'syntaxes', 'language-configuration.json', 'go.mod.language-configuration.json', 'README.md'], follow: ['*'] },
            'json-language-features': { files: ['package.json', 'lib', 'syntaxes', 'language-configuration.json', 'README.md'], follow: ['*'] },
            'git': { files: ['package.json', 'lib', 'README.md'], follow: ['*'] },
            '@warren/ide-launcher': { files: ['package.json', 'lib'], follow: ['*'] },
            '@warren/go-toolchain': { files: ['package.json', 'lib'], follow: ['*'] },
            // The launcher and the IDE load only lib/ide-contract.js of it, which has no dependencies (no gRPC).
            '@warren/workspace-api': { files: ['package.json', 'lib'], follow: [] },
            // Theia extensions: bundled into browser-app/lib; kept for anything that resolves their package.json.
            '@warren/go-workspace': { files: ['package.json', 'lib'], follow: [] },
            '@warren/welcome': { files: ['package.json', 'lib'], follow: [] },
            '@warren/reconnect': { files: ['package.json', 'lib'], follow: [] },
            '@warren/compressed-frontend': { files: ['package.json', 'lib'], follow: [] },
            // git's credential helper (the IDE's terminals and the clone ask the manager for the tenant's tokens with it).
            '@warren/git-credential-helper': { files: ['package.json', 'lib'], follow: [] },
            // The first start's clone in the pod's init container: the script and git-clone.js, which load nothing else of
            // the manager (lib/git-source.js of @warren/workspace-api, without gRPC).
            '@warren/workspace-manager': { files: ['package.json', 'lib/providers/clone-cli.js', 'lib/providers/git-clone.js'], follow: [] }
        },
        omit: {},
        rebuild: [],
        forbid: []
    },
    'control-plane': {
        description: 'The gateway, the workspace manager and the CLI as the control-plane image runs them (scripts/image-context.mjs)',
        packages: {
            '@warren/cli': { files: ['package.json', 'lib'], follow: ['*'] },
            '@warren/gateway': { files: ['package.json', 'lib', 'ui/static'], follow: ['*'] },
            '@warren/workspace-manager': { files: ['package.json', 'lib'], follow: ['*'] },
            '@warren/workspace-api': { files: ['package.json', 'lib', 'proto'], follow: ['*'] },
            '@warren/service-support': { files: ['package.json', 'lib'], follow: ['*'] },
            // The manager's local provider and the gateway import them; their functions that need the IDE
            // (browser-app, the Go plugin: not staged) resolve it only when called, which the kubernetes provider never does.
            '@warren/ide-launcher': { files: ['package.json', 'lib'], follow: ['*'] },
            '@warren/go-toolchain': { files: ['package.json', 'lib'], follow: ['*'] },
            // The manager names the helper's scripts in a pod's git configuration (their paths in the workspace image).
            '@warren/git-credential-helper': { files: ['package.json', 'lib'], follow: ['*'] }
        },
        omit: { 'prebuild-install': 'better-sqlite3\'s install script downloads prebuilt binaries with it; nothing requires it at run time' },
        rebuild: ['better-sqlite3'],
        forbid: [/^@theia\//, /^@warren\/browser-app$/, /^warren-go$/, /^json-language-features$/, /^git$/]
    }
};

const spec = TARGETS[target];
if (!spec) {
    console.error(`image-context.mjs: unknown target "${target}" (${Object.keys(TARGETS).join(', ')})`);
    process.exit(2);
}

/** Test files, type declarations and source maps are not needed to run. */
const skip = name => /\.(spec|slow-spec|e2e-spec)\.js$|\.d\.ts$|\.d\.ts\.map$|\.js\.map$|\.tsbuildinfo$/.test(name);

/** Copies a file or folder (without node_modules, tests and maps); `leave`: names left out at its top level. */
function copy(from, to, leave = []) {
    const stat = fs.lstatSync(from);
    if (stat.isDirectory()) {
        fs.mkdirSync(to, { recursive: true });
        for (const entry of fs.readdirSync(from)) {
            if (entry !== 'node_modules' && !skip(entry) && !leave.includes(entry)) {
                copy(path.join(from, entry), path.join(to, entry));
            }
        }
    } else if (stat.isSymbolicLink()) {
        fs.copyFileSync(fs.realpathSync(from), to);
    } else {
        fs.copyFileSync(from, to);
        fs.chmodSync(to, stat.mode & 0o755);
    }
}

const app = path.join(dest, 'app');
fs.rmSync(dest, { recursive: true, force: true });
fs.mkdirSync(path.join(app, 'node_modules', '@warren'), { recursive: true });
fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: `warren-${target}-image`, private: true, description: spec.description }, null, 2) + '\n');

/** What a native module built in the image leaves out of app/: its compiled output and what compiles it. */
const SOURCES_ONLY = ['build', 'src', 'deps', 'binding.gyp'];

const copied = new Set();
/** Copies the npm package at dir (an absolute path under the checkout) and follows its dependencies. */
function copyExternal(dir, name) {
    const rel = path.relative(root, dir);
    if (copied.has(rel)) {
        return;
    }
    copied.add(rel);
    if (spec.rebuild.includes(name)) {
        // The sources for the image's compiler, and in app/ only what runs (lib/, package.json).
        copy(dir, path.join(dest, 'native', name), ['build']);
        copy(dir, path.join(app, rel), SOURCES_ONLY);
    } else {
        copy(dir, path.join(app, rel));
    }
    followDeps(dir, ['*']);
}

function followDeps(dir, follow) {
    if (follow.length === 0) {
        return;
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const require = createRequire(path.join(dir, 'package.json'));
    const optional = Object.keys(pkg.optionalDependencies ?? {});
    for (const name of [...Object.keys(pkg.dependencies ?? {}), ...optional]) {
        if (name in LOCAL_DIRS || name in spec.omit) {
            continue;
        }
        if (spec.forbid.some(re => re.test(name))) {
            throw new Error(`${pkg.name} depends on ${name}, which the ${target} image must not contain`);
        }
        let found;
        try {
            found = path.dirname(require.resolve(`${name}/package.json`));
        } catch {
            // A package without ./package.json in its exports, or an optional one not installed here.
            found = findUp(dir, name);
        }
        if (!found) {
            if (optional.includes(name)) {
                continue;
            }
            throw new Error(`${pkg.name} depends on ${name}, which is not installed: run npm ci and npm run build first`);
        }
        copyExternal(fs.realpathSync(found), name);
    }
}

function findUp(from, name) {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, 'node_modules', name);
        if (fs.existsSync(path.join(candidate, 'package.json'))) {
            return candidate;
        }
        if (dir === path.dirname(dir)) {
            return undefined;
        }
    }
}

for (const [name, pkg] of Object.entries(spec.packages)) {
    const dir = LOCAL_DIRS[name];
    const from = path.join(root, dir);
    for (const file of pkg.files) {
        if (!fs.existsSync(path.join(from, file))) {
            throw new Error(`${dir}/${file} is missing: run npm run build first`);
        }
        fs.mkdirSync(path.dirname(path.join(app, dir, file)), { recursive: true });
        copy(path.join(from, file), path.join(app, dir, file));
    }
    const link = path.join(app, 'node_modules', name);
    fs.symlinkSync(path.relative(path.dirname(link), path.join(app, dir)), link);
    followDeps(from, pkg.follow);
}
const missing = spec.rebuild.filter(name => ![...copied].some(rel => path.basename(rel) === name));
if (missing.length > 0) {
    throw new Error(`${missing.join(', ')}: to be compiled in the image, but no staged package depends on it`);
}

// Native modules staged compiled must be N-API (they then load in any Node version, Node 22 included).
const native = [];
(function scan(dir) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            scan(file);
        } else if (entry.name.endsWith('.node')) {
            native.push(path.relative(app, file));
        }
    }
})(app);
// Not N-API: compiled for the checkout's Node ABI, it would not load in the image's Node 22. Such a module goes in
// the target's `rebuild` list: the image compiles it against Node 22's headers (node-gyp --nodedir, the tarball's include/).
const abiBound = native.filter(file => !fs.readFileSync(path.join(app, file)).includes('napi_module_register') &&
    !fs.readFileSync(path.join(app, file)).includes('napi_register_module_v1'));
if (abiBound.length > 0) {
    throw new Error(`native modules bound to this Node's ABI (not N-API), which the image's Node cannot load: ${abiBound.join(', ')}`);
}
const names = [...copied].map(p => path.basename(p)).sort();
console.error(`staged ${target}: ${Object.keys(spec.packages).length} local packages, ${copied.size} from node_modules ` +
    `(${names.length <= 20 ? names.join(', ') : `${names.slice(0, 20).join(', ')}, ...`}), ${native.length} native modules` +
    (spec.rebuild.length ? `; compiled in the image: ${spec.rebuild.join(', ')}` : ''));
