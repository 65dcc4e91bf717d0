#!/usr/bin/env node
import { ensureCacheProg } from './cacheprog';
import { ToolchainError } from './errors';
import { findGo } from './find-go';
import { formatGoVersion } from './go-version';
import { bootstrapToolchain, describeToolchain, Toolchain } from './toolchain';

const USAGE = `usage: warren-go-tools <command> [--json]

commands:
  install   find go, install the pinned gopls and dlv into the cache if missing (and build
            warren-gocacheprog, the workspaces' shared build cache), and report them
  status    report go, gopls and dlv without installing anything
  check-go  only check that go is there and new enough`;

function report(t: Toolchain, json: boolean): void {
    if (json) {
        console.log(JSON.stringify(t, undefined, 2));
        return;
    }
    console.log(`  go     ${formatGoVersion(t.go.version).padEnd(10)} ${t.go.path}`);
    for (const tool of t.tools) {
        console.log(`  ${tool.name.padEnd(6)} ${(tool.version ?? 'missing').padEnd(10)} ${tool.path}${tool.source === 'override' ? ' (override)' : ''}`);
    }
}

async function main(argv: string[]): Promise<number> {
    const json = argv.includes('--json');
    const command = argv.find(a => !a.startsWith('-'));
    switch (command) {
        case 'install': {
            const t = await bootstrapToolchain(process.env, line => console.log(`  ${line}`));
            const cacheProg = await ensureCacheProg(t.go, process.env, line => console.log(`  ${line}`));
            report(t, json);
            if (!json) {
                console.log(`  ${'warren-gocacheprog'} ${cacheProg}`);
            }
            return 0;
        }
        case 'status': {
            const t = await describeToolchain();
            report(t, json);
            return t.tools.every(tool => tool.version) ? 0 : 1;
        }
        case 'check-go': {
            const go = await findGo();
            console.log(json ? JSON.stringify(go) : `go ${formatGoVersion(go.version)} at ${go.path}`);
            return 0;
        }
        default:
            console.error(command ? `unknown command "${command}"\n\n${USAGE}` : USAGE);
            return 2;
    }
}

main(process.argv.slice(2)).then(code => process.exit(code), (err: Error) => {
    console.error(err instanceof ToolchainError ? `error: ${err.message}` : err.stack ?? String(err));
    process.exit(1);
});
