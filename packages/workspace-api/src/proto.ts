import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as path from 'path';
import { ProtoGrpcType } from './generated/workspace';

export const PROTO_FILE = path.resolve(__dirname, '..', 'proto', 'warren', 'workspace', 'v1', 'workspace.proto');

/** The same options the generated types assume (proto-loader-gen-types in scripts/build.sh). */
export const PROTO_OPTIONS: protoLoader.Options = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true };

let loaded: ProtoGrpcType | undefined;

/** The service definitions, parsed once per process. */
export function loadProto(): ProtoGrpcType {
    loaded ??= grpc.loadPackageDefinition(protoLoader.loadSync(PROTO_FILE, PROTO_OPTIONS)) as unknown as ProtoGrpcType;
    return loaded;
}
