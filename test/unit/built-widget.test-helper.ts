import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

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
