const REDACTED = "[redacted]";

/**
 * Holds a secret value (client secret, token, session key) so that it prints as `[redacted]`
 * wherever it ends up by accident: string conversion, JSON, `util.inspect`. Read it with
 * `reveal()` only at the point of use.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return REDACTED;
  }
}
