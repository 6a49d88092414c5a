/*
 * Everything the benchmark starts (child processes, temporary directories, the bench database)
 * registers how to undo it here, so that a normal end, an exception and Ctrl-C all leave the
 * machine as it was.
 */
type Task = { label: string; run: () => Promise<void> };

const tasks: Task[] = [];
let cleaning: Promise<void> | undefined;

/** Registers an undo step; returns a function that runs it now (and only once). */
export function onCleanup(label: string, run: () => Promise<void>): () => Promise<void> {
  const task: Task = { label, run };
  tasks.push(task);
  return async () => {
    const index = tasks.indexOf(task);
    if (index === -1) return;
    tasks.splice(index, 1);
    await task.run();
  };
}

/**
 * Runs every pending undo step, newest first; a failing step is reported and the others still
 * run. A signal and the end of `main` may both ask for it: they share one pass.
 */
function runCleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (let task = tasks.pop(); task; task = tasks.pop()) {
      try {
        await task.run();
      } catch (err) {
        console.error(`cleanup "${task.label}" failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  })();
  return cleaning;
}

/**
 * Runs a benchmark's `main` so that Ctrl-C, SIGTERM, an exception and a normal end all clean up;
 * `leftovers` says what is being undone when a signal arrives.
 */
export async function runBenchmark(main: () => Promise<void>, leftovers: string): Promise<void> {
  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`\n${signal}: ${leftovers}…`);
      void runCleanup().finally(() => process.exit(130));
    });
  }
  try {
    await main();
  } catch (err) {
    if (!interrupted) console.error(`\nBenchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  } finally {
    await runCleanup();
  }
}
