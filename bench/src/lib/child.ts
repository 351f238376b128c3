import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Forks a compiled module of this package as a child process with an IPC channel; `stdout: 'pipe'`
 * hands its standard output to the parent (the token generator's token stream).
 */
export function forkModule(
  moduleUrl: URL,
  execArgv: readonly string[] = [],
  stdout: 'inherit' | 'pipe' = 'inherit',
): ChildProcess {
  return fork(fileURLToPath(moduleUrl), [], {
    execArgv: [...execArgv],
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
  });
}

/** Sends `message` (when given) and resolves with the child's next IPC message. */
export function exchange<Reply>(child: ChildProcess, message?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`child ${child.pid} exited with ${code} before answering`));
    child.once('exit', onExit);
    child.once('message', (reply) => {
      child.off('exit', onExit);
      resolve(reply as Reply);
    });
    if (message !== undefined) child.send(message as object);
  });
}

/** Closes the IPC channel (children exit on `disconnect`) and waits for the exit. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    if (child.connected) child.disconnect();
    else child.kill();
  });
}

/**
 * The child side of `exchange`: answers the parent's one job with `run`'s report, exits 1 when
 * the run fails, and exits 0 when the parent closes the channel (`stopChild`).
 */
export function answerOneJob<Job, Report>(run: (job: Job) => Promise<Report>): void {
  process.once('message', (job: Job) => {
    run(job).then(
      (report) => process.send?.(report),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  process.on('disconnect', () => process.exit(0));
}
