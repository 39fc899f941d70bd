/** Whether a secret is stored: the only thing the page ever tells about one. */
export function SecretState({ set, what }: { set: boolean; what: string }) {
  return (
    <span className="tdm-secret-state" data-secret-state={set ? "set" : "not-set"}>
      {set ? `${what} is set. Enter a new value to replace it.` : `${what} is not set.`}
    </span>
  );
}
