import fs from "node:fs";
import path from "node:path";

/*
 * Probe counts of each suite, written beside the CI reports and printed, so that the README's
 * figures can be checked against any run.
 */
export class Figures {
  probes = 0;
  failures = 0;
  private readonly started = Date.now();
  constructor(
    readonly suite: string,
    private readonly reportDir: string,
  ) {}

  count(probes = 1): void {
    this.probes += probes;
  }

  fail(problems: readonly unknown[]): void {
    this.failures += problems.length;
  }

  write(extra: Record<string, unknown> = {}): void {
    const seconds = Math.round((Date.now() - this.started) / 100) / 10;
    const line = { suite: this.suite, probes: this.probes, failures: this.failures, seconds, ...extra };
    fs.mkdirSync(this.reportDir, { recursive: true });
    fs.appendFileSync(path.join(this.reportDir, "security-figures.jsonl"), `${JSON.stringify(line)}\n`);
    console.log(`security figures: ${this.suite}: ${this.probes} probes, ${this.failures} failures, ${seconds} s${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ""}`);
  }
}
