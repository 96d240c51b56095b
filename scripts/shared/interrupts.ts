/**
 * Ctrl-C (or SIGTERM) for a long command: the first asks the run to stop
 * cleanly (`controller.abort()`, with `message` on stderr); a second quits
 * at once with `exitCode`, after `beforeQuit`. Returns the function that
 * stops watching.
 */
export function watchInterrupts(controller: AbortController, message: string, exitCode: number, beforeQuit: () => void = () => {}): () => void {
  let interrupts = 0;
  const onSignal = (): void => {
    if (++interrupts > 1) {
      beforeQuit();
      process.exit(exitCode);
    }
    process.stderr.write(`\n${message}\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
