import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';

/** The script-tag widget's directory (`npm run build`); tests over it skip when it is missing. */
export const WIDGET_DIST = resolve(import.meta.dirname, '../../dist/indigo-chat');

/** Every .js file of the built widget (entry and chunks), joined; '' before a build. */
export function builtWidgetCode(): string {
  if (!existsSync(WIDGET_DIST)) return '';
  return readdirSync(WIDGET_DIST)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(resolve(WIDGET_DIST, f), 'utf8'))
    .join('\n');
}

/** The source file its map gives for the first `needle` in the built `file` (null when none). */
export function sourceOf(file: string, needle: string): string | null {
  const code = readFileSync(file, 'utf8');
  const at = code.indexOf(needle);
  if (at < 0) throw new Error(`${needle} is not in ${file}`);
  const line = code.slice(0, at).split('\n').length;
  const column = at - code.lastIndexOf('\n', at - 1) - 1;
  return originalPositionFor(new TraceMap(readFileSync(`${file}.map`, 'utf8')), { line, column }).source;
}
