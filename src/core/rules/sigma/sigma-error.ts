import { LogaggError } from '../../../errors.js';

/**
 * A Sigma rule logagg cannot load: malformed, or using a feature outside the supported subset
 * (docs/sigma.md). The message names the file, the rule (title and id) and the feature, so an
 * operator can fix or drop the rule; a rule is never loaded half-applied.
 */
export class SigmaError extends LogaggError {
  /** The message without the file name (for lists that show the file separately). */
  readonly problem: string;
  readonly file: string | undefined;
  /** The rule's title (or id), when known. */
  readonly rule: string | undefined;
  /** The refused feature (`modifier base64offset`, `correlation temporal`…), when one was. */
  readonly feature: string | undefined;

  constructor(problem: string, where: { file?: string | undefined; rule?: string | undefined; feature?: string | undefined } = {}) {
    const { file, rule, feature } = where;
    super('RULE_INVALID', file ? `${file}: ${problem}` : problem, {
      details: { ...(file ? { file } : {}), ...(rule ? { rule } : {}), ...(feature ? { feature } : {}) },
    });
    this.name = 'SigmaError';
    this.problem = problem;
    this.file = file;
    this.rule = rule;
    this.feature = feature;
  }
}

/**
 * Raised deep inside the compiler, where the rule's name is not known; compileSigma turns it
 * into a SigmaError naming the rule. The message starts with the place in the document
 * (`detection.sel: "CommandLine|foo"`); `feature` names what was refused (`modifier foo`).
 */
export class SigmaProblem extends Error {
  constructor(
    message: string,
    readonly feature?: string,
  ) {
    super(message);
    this.name = 'SigmaProblem';
  }
}

/** Shorthand: throws a SigmaProblem. */
export function refuse(message: string, feature?: string): never {
  throw new SigmaProblem(message, feature);
}
