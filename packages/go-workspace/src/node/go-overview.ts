import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { injectable } from '@theia/core/shared/inversify';
import { findGo } from '@warren/go-toolchain';
import { GoOverview, GoOverviewService, GoTestEntry, MAX_TESTS } from '../common/go-overview-protocol';

interface ListedPackage {
    ImportPath: string;
    Dir: string;
    Name: string;
    Module?: { Path: string; Main?: boolean };
    TestGoFiles?: string[];
    XTestGoFiles?: string[];
    Error?: { Err: string };
}

/** `func TestX(t *testing.T)` at the start of a line: what `go test` runs (not benchmarks, examples or fuzz targets). */
const TEST_FUNC = /^func (Test[A-Z_0-9]\w*|Test)\(\s*\w+\s+\*testing\.T\s*\)/gm;

/** The packages of a folder's modules, from `go list -json ./...` (go.work's modules too), as the welcome page shows them. */
export async function describeGoFolder(folder: string, env: NodeJS.ProcessEnv = process.env): Promise<GoOverview> {
    const empty: GoOverview = { modules: [], mains: [], tests: [], testCount: 0 };
    let go: string;
    try {
        go = (await findGo(env)).path;
    } catch (err) {
        return { ...empty, error: (err as Error).message };
    }
    // -e: a package that does not build is still listed, with its error.
    const listed = await new Promise<{ stdout: string; error?: string }>(resolve => execFile(go,
        ['list', '-e', '-json=ImportPath,Dir,Name,Module,TestGoFiles,XTestGoFiles,Error', './...'],
        { cwd: folder, env, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => resolve({ stdout: String(stdout), error: err ? (String(stderr).trim() || err.message) : undefined })));
    if (listed.error) {
        return { ...empty, error: listed.error };
    }
    const all = parseJsonStream(listed.stdout);
    // A pattern that matched nothing (no module here) comes back as an entry with only an error.
    const packages = all.filter(p => p.Dir);
    if (packages.length === 0 && all.some(p => p.Error)) {
        return { ...empty, error: all.find(p => p.Error)!.Error!.Err };
    }
    const relative = (dir: string): string => path.relative(folder, dir) || '.';
    const modules = [...new Set(packages.filter(p => p.Module).sort((a, b) => Number(!!b.Module!.Main) - Number(!!a.Module!.Main)).map(p => p.Module!.Path))];
    const mains = packages.filter(p => p.Name === 'main').map(p => ({ importPath: p.ImportPath, dir: relative(p.Dir) }));
    const tests: GoTestEntry[] = [];
    for (const p of packages) {
        for (const file of [...(p.TestGoFiles ?? []), ...(p.XTestGoFiles ?? [])]) {
            const text = await fs.promises.readFile(path.join(p.Dir, file), 'utf8').catch(() => '');
            for (const match of text.matchAll(TEST_FUNC)) {
                tests.push({ importPath: p.ImportPath, dir: relative(p.Dir), name: match[1], file: path.join(relative(p.Dir), file) });
            }
        }
    }
    return { modules, mains, tests: tests.slice(0, MAX_TESTS), testCount: tests.length };
}

/** go list -json prints one JSON object after another, not an array. */
function parseJsonStream(text: string): ListedPackage[] {
    const out: ListedPackage[] = [];
    let depth = 0;
    let start = -1;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
            if (c === '\\') {
                i++;
            } else if (c === '"') {
                inString = false;
            }
        } else if (c === '"') {
            inString = true;
        } else if (c === '{') {
            if (depth++ === 0) {
                start = i;
            }
        } else if (c === '}' && --depth === 0) {
            out.push(JSON.parse(text.slice(start, i + 1)) as ListedPackage);
        }
    }
    return out;
}

@injectable()
export class GoOverviewServiceImpl implements GoOverviewService {
    describe(folder: string): Promise<GoOverview> {
        return describeGoFolder(folder);
    }
}
