// Stages what the workspace image needs from a built checkout into a small build context (scripts/image.sh):
//   node scripts/image-context.mjs <checkout> <dest>
// The layout under <dest>/app mirrors the checkout (browser-app/, plugins/go/, packages/<name>/, node_modules/),
// so that every require and require.resolve in the IDE finds what it finds in the checkout. The Theia backend
// and frontend are bundled by `theia build` (browser-app/lib, with its native modules beside them), so only
// the launcher's and the Go plugin's own runtime dependencies are copied from node_modules, not the 800 MB of
// development dependencies.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const [root, dest] = process.argv.slice(2).map(p => path.resolve(p));
if (!root || !dest) {
    console.error('usage: node scripts/image-context.mjs <checkout> <dest>');
    process.exit(2);
}

/** Local packages: folder in the checkout, the files the image takes, and which dependencies to follow. */
const LOCAL = {
    '@warren/browser-app': { dir: 'browser-app', files: ['package.json', 'lib', 'src-gen', 'resources'], follow: [] },
    'warren-go': { dir: 'plugins/go', files: ['package.json', 'lib', 'syntaxes', 'language-configuration.json', 'go.mod.language-configuration.json', 'README.md'], follow: ['*'] },
    '@warren/ide-launcher': { dir: 'packages/ide-launcher', files: ['package.json', 'lib'], follow: ['*'] },
    '@warren/go-toolchain': { dir: 'packages/go-toolchain', files: ['package.json', 'lib'], follow: ['*'] },
    // The launcher and the IDE load only lib/ide-contract.js of it, which has no dependencies (no gRPC).
    '@warren/workspace-api': { dir: 'packages/workspace-api', files: ['package.json', 'lib'], follow: [] },
    // Theia extensions: bundled into browser-app/lib; kept for anything that resolves their package.json.
    '@warren/go-workspace': { dir: 'packages/go-workspace', files: ['package.json', 'lib'], follow: [] },
    '@warren/welcome': { dir: 'packages/welcome', files: ['package.json', 'lib'], follow: [] },
    '@warren/compressed-frontend': { dir: 'packages/compressed-frontend', files: ['package.json', 'lib'], follow: [] }
};

/** Test files, type declarations and source maps are not needed to run. */
const skip = name => /\.(spec|slow-spec|e2e-spec)\.js$|\.d\.ts$|\.d\.ts\.map$|\.js\.map$|\.tsbuildinfo$/.test(name);

function copy(from, to) {
    const stat = fs.lstatSync(from);
    if (stat.isDirectory()) {
        fs.mkdirSync(to, { recursive: true });
        for (const entry of fs.readdirSync(from)) {
            if (entry !== 'node_modules' && !skip(entry)) {
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
fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'warren-workspace-image', private: true, description: 'The Warren IDE as the workspace image runs it (scripts/image-context.mjs)' }, null, 2) + '\n');

const copied = new Set();
/** Copies the npm package at dir (an absolute path under the checkout) and follows its dependencies. */
function copyExternal(dir) {
    const rel = path.relative(root, dir);
    if (copied.has(rel)) {
        return;
    }
    copied.add(rel);
    copy(dir, path.join(app, rel));
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
        if (name in LOCAL) {
            continue;
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
        copyExternal(fs.realpathSync(found));
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

for (const [name, spec] of Object.entries(LOCAL)) {
    const from = path.join(root, spec.dir);
    for (const file of spec.files) {
        if (!fs.existsSync(path.join(from, file))) {
            throw new Error(`${spec.dir}/${file} is missing: run npm run build first`);
        }
        fs.mkdirSync(path.join(app, spec.dir), { recursive: true });
        copy(path.join(from, file), path.join(app, spec.dir, file));
    }
    const link = path.join(app, 'node_modules', name);
    fs.symlinkSync(path.relative(path.dirname(link), path.join(app, spec.dir)), link);
    followDeps(from, spec.follow);
}

// Native modules: the bundled ones must be N-API (they then load in any Node version, Node 22 included).
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
// Not N-API: compiled for the checkout's Node ABI, it would not load in the image's Node 22. None is today;
// one that comes must be rebuilt against Node 22's headers (node-gyp --nodedir, the tarball's include/).
const abiBound = native.filter(file => !fs.readFileSync(path.join(app, file)).includes('napi_module_register') &&
    !fs.readFileSync(path.join(app, file)).includes('napi_register_module_v1'));
if (abiBound.length > 0) {
    throw new Error(`native modules bound to this Node's ABI (not N-API), which the image's Node cannot load: ${abiBound.join(', ')}`);
}
console.error(`staged the IDE: ${Object.keys(LOCAL).length} local packages, ${copied.size} from node_modules (${[...copied].map(p => path.basename(p)).sort().join(', ')}), ${native.length} native modules`);
