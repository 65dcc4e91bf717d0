import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { busyReasons, describeProcess, ProcessEntry } from './busy-processes';

const BACKEND = 100;

/** `pid ppid command…`; comm is the program's name as the kernel shows it (`bash` for a login shell's `-bash`). */
function p(pid: number, ppid: number, command: string, state = 'S'): ProcessEntry {
    const args = command.split(' ');
    return { pid, ppid, comm: args[0].split('/').pop()!.replace(/^-/, '').slice(0, 15), args, state };
}

/** What a Warren IDE runs with nothing going on: file watcher, plugin host with gopls, an idle terminal. */
const IDLE_IDE = [
    p(1, 0, '/sbin/init'),
    p(BACKEND, 1, '/usr/bin/node /app/lib/backend/main.js /workspace --port=3000'),
    p(101, BACKEND, '/usr/bin/node /app/lib/backend/ipc-bootstrap --watchOptions={}'),
    p(102, BACKEND, '/usr/bin/node /app/lib/backend/plugin-host'),
    p(103, 102, '/cache/tools/gopls@v0.23.0/gopls'),
    p(104, 103, '/usr/local/go/bin/go list -json ./...'),
    p(105, BACKEND, '/bin/bash'),
    p(200, 1, 'sleep 1000')
];

describe('busyReasons', () => {
    const cases: Array<[string, ProcessEntry[], string[]]> = [
        ['an idle IDE: helpers, gopls and a shell at its prompt', IDLE_IDE, []],
        ['a command in a terminal', [...IDLE_IDE, p(300, 105, 'go test ./...'), p(301, 300, '/tmp/go-build1/hello.test')], ['go test ./... (pid 300)']],
        ['each command of a pipeline', [...IDLE_IDE, p(300, 105, 'go test ./...'), p(301, 105, 'tee log')], ['go test ./... (pid 300)', 'tee log (pid 301)']],
        ['a login shell and zsh too', [...IDLE_IDE, p(106, BACKEND, '-bash'), p(107, BACKEND, 'zsh'), p(300, 106, 'make'), p(301, 107, 'sleep 30')],
            ['make (pid 300)', 'sleep 30 (pid 301)']],
        ['a task (a direct child that is not a shell)', [...IDLE_IDE, p(300, BACKEND, '/usr/local/go/bin/go test -run ^TestGreeting$ ./')],
            ['/usr/local/go/bin/go test -run ^TestGreeting$ ./ (pid 300)']],
        ['a node task that is not one of Theia\'s helpers', [...IDLE_IDE, p(300, BACKEND, '/usr/bin/node build.js')], ['/usr/bin/node build.js (pid 300)']],
        ['a debug session started by the plugin host', [...IDLE_IDE, p(300, 102, '/cache/tools/dlv dap --listen=127.0.0.1:0'), p(301, 300, './__debug_bin')],
            ['debug session']],
        ['dlv in a terminal: the command and the debug session', [...IDLE_IDE, p(300, 105, 'dlv debug')], ['dlv debug (pid 300)', 'debug session']],
        ['a shell whose only child has exited (a zombie)', [...IDLE_IDE, p(300, 105, 'ls', 'Z')], []],
        ['processes that belong to another parent', [...IDLE_IDE, p(300, 200, 'go build'), p(301, 200, 'dlv exec ./x')], []]
    ];
    for (const [what, processes, expected] of cases) {
        it(`should report ${what}`, () => {
            assert.deepEqual(busyReasons(BACKEND, processes), expected);
        });
    }
});

describe('describeProcess', () => {
    it('should shorten a long command line and fall back to the name', () => {
        const long = describeProcess(p(7, 1, `go test ${'x'.repeat(200)}`));
        assert.match(long, /^go test x+… \(pid 7\)$/);
        assert.equal(long.length, 80 + ' (pid 7)'.length);
        assert.equal(describeProcess({ pid: 8, ppid: 1, comm: 'kworker', args: [], state: 'S' }), 'kworker (pid 8)');
    });
});
