// The custom-elements manifest the package ships for IDEs and Storybook, generated exactly as
// `npm run build` does (scripts/custom-elements-manifest.config.js), held to the README: every
// attribute the README's element table documents is in it under that exact (dashed) name,
// nothing else is offered as an attribute (no camelCase names that do nothing, no internal
// state), the README's events are declared, and no test helper is described.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

interface Manifest {
  modules: {
    path: string;
    declarations?: {
      tagName?: string;
      attributes?: { name: string }[];
      events?: { name: string }[];
      members?: { name: string; attribute?: string }[];
    }[];
  }[];
}

let manifest: Manifest;
beforeAll(async () => {
  const specifier = '@custom-elements-manifest/analyzer/cli.js';
  const { cli } = (await import(specifier)) as { cli: (o: { argv: string[]; cwd: string; noWrite: boolean }) => Promise<Manifest> };
  manifest = await cli({
    argv: ['analyze', '--config', 'scripts/custom-elements-manifest.config.js', '--quiet'],
    cwd: root,
    noWrite: true,
  });
}, 60_000);

const element = () => {
  const found = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'indigo-chat');
  if (!found) throw new Error('no <indigo-chat> in the manifest');
  return found;
};

/** The backticked names in the first column of the README's element attribute table. */
function readmeAttributes(): string[] {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### The element'), readme.indexOf('Methods:', readme.indexOf('### The element')));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
}

describe('custom-elements.json', () => {
  it('offers exactly the attributes the README documents, under their dashed names', () => {
    const documented = readmeAttributes();
    expect(documented).toContain('delta-unit');
    expect(documented.length).toBeGreaterThan(15);
    expect(
      element()
        .attributes?.map((a) => a.name)
        .sort(),
    ).toEqual([...documented].sort());
  });

  it('links each property to its attribute (deltaUnit -> delta-unit) and internal state to none', () => {
    const members = new Map(element().members?.map((m) => [m.name, m.attribute]));
    expect(members.get('deltaUnit')).toBe('delta-unit');
    expect(members.get('mediaOrigins')).toBe('media-origins');
    expect(members.get('teaserDelay')).toBe('teaser-delay');
    expect(members.get('relay')).toBe('relay');
    for (const internal of ['unread', 'offline', 'announcement', 'consentGiven']) expect(members.get(internal), internal).toBeUndefined();
  });

  it("declares the README's events and describes no test helper", () => {
    const events = element().events?.map((e) => e.name) ?? [];
    for (const name of ['ready', 'open', 'close', 'message', 'error', 'warning', 'feedback'])
      expect(events).toContain(`indigo-chat-${name}`);
    expect(manifest.modules.map((m) => m.path).filter((p) => /\.test(-helper)?\.ts$/.test(p))).toEqual([]);
  });
});
