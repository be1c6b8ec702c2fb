import type * as grpc from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';

/**
 * Stops the HTTP and gRPC listeners taking new work and waits for what is in flight, up
 * to `timeoutMs`; past it, the connections still open are cut.
 */
export async function drainListeners(
  http: FastifyInstance,
  grpcServer: grpc.Server | undefined,
  timeoutMs: number,
): Promise<void> {
  const grpcDone = new Promise<void>((resolve) => {
    if (!grpcServer) return resolve();
    const timer = setTimeout(() => {
      grpcServer.forceShutdown();
      resolve();
    }, timeoutMs);
    grpcServer.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  const httpDone = new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      http.server.closeAllConnections?.();
      resolve();
    }, timeoutMs);
    // A keep-alive connection whose request was in flight at close() turns idle only
    // later; sweep idle connections until the server is closed.
    const sweep = setInterval(() => http.server.closeIdleConnections?.(), 100);
    http.close().then(() => {
      clearTimeout(timer);
      clearInterval(sweep);
      resolve();
    });
  });
  await Promise.all([grpcDone, httpDone]);
}
