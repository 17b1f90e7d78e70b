import { stripVTControlCharacters } from 'node:util';

const PRETTY_HEAD = /^\[[\d:.]+\] (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) \([\w.-]+\): /;
const STACK_FRAME = /^\s+at |^\s*\^+\s*$|^\s*$/;

/**
 * Why a part stopped, in one line, from the last lines it wrote: the last error it logged (or
 * the error Node printed), its message without the log line's time and level.
 */
export function reasonFrom(lines: readonly string[]): string {
  const plain = lines.map((l) => stripVTControlCharacters(l).trimEnd()).filter((l) => !STACK_FRAME.test(l));
  const error = plain.findLast(
    (l) => /^\[[\d:.]+\] (ERROR|FATAL) /.test(l) || /^\w*Error\b|\bError:/.test(l),
  );
  const line = error ?? plain.at(-1) ?? 'it wrote nothing';
  return line.replace(PRETTY_HEAD, '').trim();
}

/** True for a log line of a level below error, readable or JSON; other lines (Node's own) are not log lines. */
export function belowError(line: string): boolean {
  const plain = stripVTControlCharacters(line);
  const level = PRETTY_HEAD.exec(plain)?.[1];
  if (level) return level !== 'ERROR' && level !== 'FATAL';
  if (plain.startsWith('{')) {
    try {
      return (JSON.parse(plain) as { level?: number }).level! < 50;
    } catch {
      return false;
    }
  }
  return false;
}
