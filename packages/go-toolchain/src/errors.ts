/** A toolchain problem that the user can fix; its message says how. */
export class ToolchainError extends Error {
    constructor(message: string, readonly reason: 'go-missing' | 'go-too-old' | 'go-broken' | 'install-failed' | 'tool-missing') {
        super(message);
        this.name = 'ToolchainError';
    }
}
