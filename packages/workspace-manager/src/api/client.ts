import * as grpc from '@grpc/grpc-js';
import { WorkspaceServiceClient } from '../generated/warren/workspace/v1/WorkspaceService';
import { loadProto } from '../manager';

export interface Connection {
    client: WorkspaceServiceClient;
    metadata: grpc.Metadata;
}

/** A client for WARREN_ADDR (or --addr) with WARREN_TOKEN (or --token). */
export function connect(addr: string, token: string | undefined): Connection {
    if (!token) {
        throw new Error('No token: set WARREN_TOKEN or pass --token (an admin makes one with "warren token create").');
    }
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const Service = loadProto().warren.workspace.v1.WorkspaceService;
    return { client: new Service(addr, grpc.credentials.createInsecure()), metadata };
}

/** A failed call: the server's message, and its status code for callers that map it (the gateway: to HTTP). */
export class ManagerCallError extends Error {
    constructor(message: string, readonly code: grpc.status, readonly details: string) {
        super(message);
    }
}

/** Calls a unary method and resolves with its response; the rejection is a ManagerCallError with the server's own message. */
export function unary<Res>(c: Connection, method: string, request: object): Promise<Res> {
    return new Promise((resolve, reject) => {
        const fn = (c.client as unknown as Record<string, (r: object, m: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, v: Res) => void) => void>)[method];
        fn.call(c.client, request, c.metadata, { deadline: Date.now() + 30_000 }, (err, value) => {
            if (err) {
                reject(new ManagerCallError(err.code === grpc.status.UNAVAILABLE
                    ? `The workspace manager at ${c.client.getChannel().getTarget()} does not answer: is "warren serve" running there? (${err.details})`
                    : `${err.details} (${grpc.status[err.code]})`, err.code, err.details));
            } else {
                resolve(value);
            }
        });
    });
}
