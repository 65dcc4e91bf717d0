import * as grpc from '@grpc/grpc-js';
import { CreateWorkspaceRequest } from './generated/warren/workspace/v1/CreateWorkspaceRequest';
import { GitCredential__Output } from './generated/warren/workspace/v1/GitCredential';
import { Workspace__Output } from './generated/warren/workspace/v1/Workspace';
import { WorkspaceClass__Output } from './generated/warren/workspace/v1/WorkspaceClass';
import { WorkspaceServiceClient } from './generated/warren/workspace/v1/WorkspaceService';
import { WatchWorkspacesResponse__Output } from './generated/warren/workspace/v1/WatchWorkspacesResponse';
import { loadProto } from './proto';

export type WorkspaceMessage = Workspace__Output;
export type WorkspaceClassMessage = WorkspaceClass__Output;
export type WatchMessage = WatchWorkspacesResponse__Output;
export type GitCredentialMessage = GitCredential__Output;

/** A workspace by id; `tenant` only for admin tokens. */
export interface WorkspaceRef {
    id: string;
    tenant?: string;
}

/** A failed call: the server's message, and its status code for callers that map it (the gateway: to HTTP). */
export class ManagerCallError extends Error {
    constructor(message: string, readonly code: grpc.status, readonly details: string) {
        super(message);
    }
}

export interface WorkspaceClientOptions {
    /** How long a unary call may take; default 30 s. */
    deadlineMs?: number;
}

/**
 * The workspace manager's API as methods. Every call carries the bearer token; a failure rejects
 * with a ManagerCallError whose message is the server's own words.
 */
export class WorkspaceClient {
    protected readonly client: WorkspaceServiceClient;
    protected readonly metadata = new grpc.Metadata();

    constructor(readonly address: string, token: string | undefined, protected readonly options: WorkspaceClientOptions = {}) {
        if (!token) {
            throw new Error('No token: set WARREN_TOKEN or pass --token (an admin makes one with "warren token create").');
        }
        this.metadata.set('authorization', `Bearer ${token}`);
        const Service = loadProto().warren.workspace.v1.WorkspaceService;
        this.client = new Service(address, grpc.credentials.createInsecure());
    }

    async createWorkspace(request: CreateWorkspaceRequest): Promise<WorkspaceMessage> {
        return (await this.unary<One>('CreateWorkspace', request)).workspace;
    }

    async getWorkspace(ref: WorkspaceRef): Promise<WorkspaceMessage> {
        return (await this.unary<One>('GetWorkspace', ref)).workspace;
    }

    /** The caller's workspaces; an admin token lists one tenant's, or every tenant's without one. */
    async listWorkspaces(tenant?: string): Promise<WorkspaceMessage[]> {
        return (await this.unary<{ workspaces: WorkspaceMessage[] }>('ListWorkspaces', { tenant: tenant ?? '' })).workspaces;
    }

    async startWorkspace(ref: WorkspaceRef): Promise<WorkspaceMessage> {
        return (await this.unary<One>('StartWorkspace', ref)).workspace;
    }

    /** force: stop even if some editors cannot be saved (what they hold is lost). */
    async stopWorkspace(ref: WorkspaceRef & { force?: boolean }): Promise<WorkspaceMessage> {
        return (await this.unary<One>('StopWorkspace', ref)).workspace;
    }

    async deleteWorkspace(ref: WorkspaceRef): Promise<WorkspaceMessage> {
        return (await this.unary<One>('DeleteWorkspace', ref)).workspace;
    }

    async listWorkspaceClasses(): Promise<WorkspaceClassMessage[]> {
        return (await this.unary<{ classes: WorkspaceClassMessage[] }>('ListWorkspaceClasses', {})).classes;
    }

    /** Keeps a token for a git host for the caller's tenant (or `tenant`, with an admin token). */
    async addGitCredential(request: { host: string; username?: string; token: string; tenant?: string }): Promise<GitCredentialMessage> {
        return (await this.unary<{ credential: GitCredentialMessage }>('AddGitCredential', { ...request, username: request.username ?? '', tenant: request.tenant ?? '' })).credential;
    }

    async listGitCredentials(tenant?: string): Promise<GitCredentialMessage[]> {
        return (await this.unary<{ credentials: GitCredentialMessage[] }>('ListGitCredentials', { tenant: tenant ?? '' })).credentials;
    }

    async removeGitCredential(host: string, tenant?: string): Promise<void> {
        await this.unary<object>('RemoveGitCredential', { host, tenant: tenant ?? '' });
    }

    /** The tenant's SSH public key, made on first use. */
    async getSshPublicKey(tenant?: string): Promise<{ publicKey: string; fingerprint: string }> {
        return this.unary('GetSshPublicKey', { tenant: tenant ?? '' });
    }

    async reportActivity(ref: WorkspaceRef): Promise<void> {
        await this.unary<object>('ReportActivity', ref);
    }

    /** Every change of the caller's workspaces; a refused watch ends at once with an 'error' event. */
    watchWorkspaces(request: { tenant?: string; initial?: boolean } = {}): grpc.ClientReadableStream<WatchMessage> {
        return this.client.WatchWorkspaces({ tenant: request.tenant ?? '', initial: request.initial ?? false }, this.metadata);
    }

    close(): void {
        this.client.close();
    }

    protected unary<Res>(method: UnaryMethod, request: object): Promise<Res> {
        return new Promise((resolve, reject) => {
            const fn = this.client[method] as unknown as (r: object, m: grpc.Metadata, o: grpc.CallOptions, cb: grpc.requestCallback<Res>) => void;
            fn.call(this.client, request, this.metadata, { deadline: Date.now() + (this.options.deadlineMs ?? 30_000) }, (err, value) => {
                if (err) {
                    reject(new ManagerCallError(err.code === grpc.status.UNAVAILABLE
                        ? `The workspace manager at ${this.address} does not answer: is "warren serve" running there? (${err.details})`
                        : `${err.details} (${grpc.status[err.code]})`, err.code, err.details));
                } else {
                    resolve(value!);
                }
            });
        });
    }
}

type UnaryMethod = 'CreateWorkspace' | 'GetWorkspace' | 'ListWorkspaces' | 'StartWorkspace' | 'StopWorkspace' | 'DeleteWorkspace'
    | 'ListWorkspaceClasses' | 'ReportActivity' | 'AddGitCredential' | 'ListGitCredentials' | 'RemoveGitCredential' | 'GetSshPublicKey';
type One = { workspace: WorkspaceMessage };
