import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkGitHost, checkGitSource, parseGitUrl, SourceProblem, suggestedId } from './git-source';

describe('git sources', () => {
    it('should take https, http, ssh and scp-like URLs apart by host and path', () => {
        assert.deepEqual(parseGitUrl('https://github.com/Owner/Repo.git'), { transport: 'https', host: 'github.com', path: 'Owner/Repo' });
        assert.deepEqual(parseGitUrl('http://127.0.0.1:8080/team/svc.git/'), { transport: 'http', host: '127.0.0.1:8080', path: 'team/svc' });
        assert.deepEqual(parseGitUrl('ssh://git@Git.Example.com:2222/team/svc.git'), { transport: 'ssh', host: 'git.example.com:2222', path: 'team/svc' });
        assert.deepEqual(parseGitUrl('git@github.com:owner/repo.git'), { transport: 'ssh', host: 'github.com', path: 'owner/repo' });
    });

    it('should refuse credentials in the URL, other schemes, and URLs without a repository, saying what to use', () => {
        const refused: Array<[string, RegExp]> = [
            ['https://user:ghp_secret@github.com/o/r.git', /credentials in it.*warren credential add github\.com/],
            ['https://ghp_secret@github.com/o/r.git', /credentials in it/],
            ['file:///etc/passwd', /scheme "file" is not supported \(a workspace cannot read the server's files\)/],
            ['ext::sh -c touch% /tmp/x', /spaces or control characters/],
            ['https://github.com/', /names a host but no repository/],
            ['https://github.com/o/r.git?x=1', /no query or fragment/],
            ['not a url', /spaces/],
            ['nonsense', /is not a repository URL/]
        ];
        for (const [url, message] of refused) {
            assert.throws(() => parseGitUrl(url), (err: Error) => err instanceof SourceProblem && message.test(err.message), url);
        }
    });

    it('should refuse a ref that git would take as an option or that is no ref name, and a folder outside the repository', () => {
        const url = 'https://github.com/o/r.git';
        for (const ref of ['--upload-pack=x', '-b', 'a..b', 'x@{1}', 'a b', 'main.lock', 'refs/', '/main', 'a:b', 'a~1', 'a^']) {
            assert.throws(() => checkGitSource({ url, ref }), /is not a branch, tag or commit name/, ref);
        }
        for (const folder of ['../x', 'a/../../b', '/etc', 'a//b', 'a\\b']) {
            assert.throws(() => checkGitSource({ url, folder }), /relative path inside the repository/, folder);
        }
        assert.deepEqual(checkGitSource({ url, ref: 'release/v1.2', folder: './services/api/' }), { kind: 'git', url, ref: 'release/v1.2', folder: 'services/api' });
        assert.deepEqual(checkGitSource({ url, ref: '0123abc' }), { kind: 'git', url, ref: '0123abc', folder: '' });
    });

    it('should suggest a workspace id from the repository name', () => {
        assert.equal(suggestedId('https://github.com/team/My_API.git'), 'my-api');
        assert.equal(suggestedId('git@github.com:team/hello-svc.git'), 'hello-svc');
        assert.equal(suggestedId('https://github.com/team/2048'), '', 'no letter to start with');
        assert.equal(suggestedId('not a url'), '');
    });

    it('should take a host with a port, in lower case, and nothing else', () => {
        assert.equal(checkGitHost('GitHub.com'), 'github.com');
        assert.equal(checkGitHost('git.example.com:8443'), 'git.example.com:8443');
        for (const host of ['https://github.com', 'github.com/owner', '', 'a b', '-x.com']) {
            assert.throws(() => checkGitHost(host), /is not a git host/, host);
        }
    });
});
