import { status } from '@grpc/grpc-js';

/** An error with the gRPC status to answer with: thrown anywhere below a handler, mapped once at its edge. */
export class ApiError extends Error {
    constructor(readonly code: status, message: string) {
        super(message);
    }

    static invalid(message: string): ApiError {
        return new ApiError(status.INVALID_ARGUMENT, message);
    }

    static notFound(message: string): ApiError {
        return new ApiError(status.NOT_FOUND, message);
    }
}
