/**
 * When a long-running command (`serve`) should stop cleanly: on SIGTERM (service managers,
 * `docker stop`, `kill`), on SIGINT (Ctrl-C), and when the npm that started it is gone.
 *
 * Two traps this handles:
 * - Ctrl-C under `npm start` signals the whole foreground process group, and npm forwards
 *   the signal to its child as well, so the server gets SIGINT twice at once. A second
 *   signal within `duplicateWindowMs` is that echo and is ignored; one that comes later,
 *   while the first stop is still running, is a person insisting: `onForce` runs.
 * - npm killed with SIGKILL cannot forward anything; its child would keep listening with
 *   no one to stop it. Under npm (npm_lifecycle_event is set) the parent process id is
 *   watched; when the parent is gone the child is re-parented and stops itself. Started
 *   directly (a service manager, `nohup`), the parent is not watched: a shell that exits
 *   must not take a detached server with it.
 */
export interface StopRequestOptions {
  /** Runs once, on the first request; the reason is e.g. 'SIGTERM' or 'parent process exited'. */
  onStop: (reason: string) => void;
  /** Runs when a further signal arrives while stopping (the stop hangs, the user insists). */
  onForce: (signal: NodeJS.Signals) => void;
  /** Watch the parent process (default: when run by npm). */
  watchParent?: boolean;
  parentPollMs?: number;
  duplicateWindowMs?: number;
}

const stopSignals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** Starts listening for stop requests; returns a function that stops listening. */
export function onStopRequest(options: StopRequestOptions): () => void {
  const { onStop, onForce, parentPollMs = 1000, duplicateWindowMs = 1000 } = options;
  const watchParent = options.watchParent ?? process.env.npm_lifecycle_event !== undefined;
  let firstAt: number | null = null;

  const request = (reason: string): void => {
    if (firstAt !== null) return;
    firstAt = Date.now();
    onStop(reason);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (firstAt === null) return request(signal);
    if (Date.now() - firstAt >= duplicateWindowMs) onForce(signal);
  };
  for (const signal of stopSignals) process.on(signal, onSignal);

  const parent = process.ppid;
  const poll = watchParent
    ? setInterval(() => {
        if (process.ppid !== parent) request('parent process exited');
      }, parentPollMs).unref()
    : null;
  // Started with an IPC channel (child_process.fork): the parent closing it means the same.
  const onDisconnect = (): void => request('parent process disconnected');
  if (process.connected) process.once('disconnect', onDisconnect);

  return () => {
    for (const signal of stopSignals) process.off(signal, onSignal);
    if (poll) clearInterval(poll);
    process.off('disconnect', onDisconnect);
  };
}
