/** splunkd.log levels, most verbose first. */
export type SplunkdLevel = "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";

export const LEVELS: readonly SplunkdLevel[] = ["DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

const LEADING_LEVEL = /^(DEBUG|INFO|WARNING|WARN|ERROR|FATAL)(?:[ \t]+|$)/;

/**
 * Splits a stderr line into the level it asks for and the rest. A leading level word is
 * consumed; a line without one is ERROR, as splunkd logs it.
 * Assumption: the word is matched case-sensitively and `WARNING` counts as WARN.
 */
export function stderrLevel(line: string): { level: SplunkdLevel; rest: string } {
  const match = LEADING_LEVEL.exec(line);
  if (!match) return { level: "ERROR", rest: line };
  const word = match[1] === "WARNING" ? "WARN" : (match[1] as SplunkdLevel);
  return { level: word, rest: line.slice(match[0].length) };
}

/** `MM-DD-YYYY HH:MM:SS.mmm +0000`, the timestamp of a splunkd.log line (UTC here). */
export function splunkdTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const day = `${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}-${date.getUTCFullYear()}`;
  const clock = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map((n) => pad(n));
  return `${day} ${clock.join(":")}.${pad(date.getUTCMilliseconds(), 3)} +0000`;
}

/** One splunkd.log line: `<time> <LEVEL> <component> [<pid> <thread>] - <message>`. */
export function splunkdLine(
  date: Date,
  level: SplunkdLevel,
  component: string,
  pid: number,
  message: string,
): string {
  return (
    `${splunkdTimestamp(date)} ${level} ${component} [${pid} ExecProcessorSchedulerThread]` +
    ` - ${message}`
  );
}

/** The line ExecProcessor writes for one stderr line of a modular input. */
export function execProcessorLine(
  date: Date,
  pid: number,
  command: string,
  line: string,
): {
  level: SplunkdLevel;
  text: string;
} {
  const { level, rest } = stderrLevel(line);
  return {
    level,
    text: splunkdLine(date, level, "ExecProcessor", pid, `message from "${command}" ${rest}`),
  };
}
