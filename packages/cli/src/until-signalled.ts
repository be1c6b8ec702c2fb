/** Runs until SIGTERM or SIGINT, then says what stopping means and closes the server. */
export function untilSignalled(server: { close(): Promise<void> }, stopping: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`${signal}: ${stopping}`);
      server.close().then(resolve, (err) => {
        console.error(err);
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
