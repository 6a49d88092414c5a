import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";

/*
 * What every result file records besides its figures (the commit measured), and how it is
 * written to bench/results/: through a temporary file, so that an interrupted run never leaves a
 * truncated JSON behind.
 */
const RESULTS_DIR = new URL("../results/", import.meta.url);

/** The commit measured, and whether the working tree had uncommitted changes; null outside git. */
export function gitState(): { commit: string; dirty: boolean } | null {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { encoding: "utf8" }).trim().length > 0;
    return { commit, dirty };
  } catch {
    return null;
  }
}

/** Writes `value` as `bench/results/<name>`; returns the file's path. */
export async function writeResult(name: string, value: unknown): Promise<string> {
  const file = new URL(name, RESULTS_DIR);
  const temporary = new URL(`${name}.tmp`, RESULTS_DIR);
  await fs.mkdir(RESULTS_DIR, { recursive: true });
  await fs.writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await fs.rename(temporary, file);
  return file.pathname;
}
