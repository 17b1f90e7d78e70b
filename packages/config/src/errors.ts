/** One thing wrong with one setting. */
export interface ConfigProblem {
  readonly variable: string;
  readonly problem: string;
  readonly example: string;
}

/** Every problem found in the settings at once, one line each; never carries a secret's value. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(
      problems.map((p) => `${p.variable}: ${p.problem} (for example ${p.variable}=${p.example})`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
