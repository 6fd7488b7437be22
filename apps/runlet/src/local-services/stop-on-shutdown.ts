/** Signals Nest's shutdown hooks handle (the ones a user or a supervisor sends to stop a server). */
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/**
 * Stops the services this process started once the platform has stopped using them. Nest's
 * shutdown hook closes the app, removes its own listener and raises the signal again: when this
 * listener is the only one left, the app is closed, so the services stop and the signal is raised
 * once more to end the process as it asked. Register before the app, so a signal during start
 * stops them too.
 */
export function stopOnShutdown(services: { stop(): Promise<void>; signalNow(): void }): void {
  process.once('exit', () => services.signalNow());
  for (const signal of SIGNALS) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return; // the app is still closing
      process.removeListener(signal, onSignal);
      services
        .stop()
        .catch((err) => console.error(`[runlet] stopping local services: ${(err as Error).message}`))
        .finally(() => process.kill(process.pid, signal));
    };
    process.on(signal, onSignal);
  }
}
