// The property names the widget build may mangle (scripts/browser-plugins.js): TypeScript
// `private` members of the browser bundle's classes, which TypeScript lets nothing outside
// their class reach, and whose name is used for nothing else anywhere: no public member,
// interface or type field, object key, string, destructured name, parameter property or
// property read on anything but `this` elsewhere in src/ (wire, saved and public names all appear there as one of those), no
// word of the bundled libraries' code (Lit, DOMPurify), no name the end-to-end tests,
// benchmark or demo write, no DOM property name (Terser's `domprops` list, which it never
// mangles anyway) and no reactive property (`static properties`: Lit reads those by name).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const BROWSER_DIRS = /^src\/(components|controllers|core|html|transport|events)\//;

function files(root, dir, ext = /\.ts$/) {
  return readdirSync(join(root, dir), { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => ext.test(f));
}

const isPrivate = (node) => (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword);
const nameOf = (node) => (node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) ? node.name.text : undefined);

/** `{ candidates, excluded }` of the sources under `root`. */
export function privateMemberNames(root) {
  const candidates = new Set();
  const excluded = new Set();
  // Unit and browser tests run against the sources, not the minified widget: not read.
  for (const file of files(root, 'src').filter((f) => !/\.test(-helper)?\.ts$/.test(f))) {
    const source = readFileSync(join(root, file), 'utf8');
    const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
    const browser = BROWSER_DIRS.test(file);
    const visit = (node) => {
      const name = nameOf(node);
      if (ts.isClassLike(node)) {
        for (const m of node.members) {
          if (ts.isPropertyDeclaration(m) && nameOf(m) === 'properties' && m.initializer && ts.isObjectLiteralExpression(m.initializer))
            for (const p of m.initializer.properties) if (nameOf(p)) excluded.add(nameOf(p));
        }
      }
      if (name !== undefined) {
        if (ts.isClassElement(node) || ts.isParameter(node)) {
          if (isPrivate(node) && browser && !(ts.getDecorators?.(node)?.length ?? 0)) candidates.add(name);
          else if (!ts.isParameter(node) || (ts.getModifiers(node) ?? []).length > 0) excluded.add(name);
        } else if (
          ts.isPropertySignature(node) ||
          ts.isMethodSignature(node) ||
          ts.isPropertyAssignment(node) ||
          ts.isShorthandPropertyAssignment(node) ||
          ts.isMethodDeclaration(node) ||
          ts.isGetAccessor(node) ||
          ts.isSetAccessor(node) ||
          ts.isEnumMember(node)
        )
          excluded.add(name);
      }
      // Read on anything but `this` (another object's property, a DOM API): left alone.
      if (ts.isPropertyAccessExpression(node) && node.expression.kind !== ts.SyntaxKind.ThisKeyword) excluded.add(node.name.text);
      if (ts.isBindingElement(node)) excluded.add((node.propertyName ?? node.name).getText(sf));
      if (ts.isStringLiteralLike(node)) for (const w of node.text.match(/[A-Za-z_$][\w$]*/g) ?? []) excluded.add(w);
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  // What runs against the built widget by name, and the bundled libraries' own words.
  const outside = [
    ...files(root, 'test/e2e', /\.[jt]s$/),
    ...files(root, 'bench', /\.[jt]s$/),
    ...files(root, 'demo', /\.(js|ts|html)$/),
    // The DOM property names Terser never mangles: listed here so the names are what it mangles.
    'node_modules/terser/tools/domprops.js',
    ...['lit-html', 'lit-element', '@lit/reactive-element', 'lit', 'dompurify/dist'].flatMap((d) =>
      files(root, join('node_modules', d), /\.m?js$/).filter((f) => !/\/(development|node)\//.test(f)),
    ),
  ];
  for (const f of outside) for (const w of readFileSync(join(root, f), 'utf8').match(/[A-Za-z_$][\w$]*/g) ?? []) excluded.add(w);
  return { candidates, excluded };
}

/** The names to mangle, sorted, and a RegExp matching exactly them. */
export function mangleableNames(root) {
  const { candidates, excluded } = privateMemberNames(root);
  const names = [...candidates].filter((n) => !excluded.has(n) && n.length > 2).sort();
  return { names, regex: new RegExp(`^(?:${names.join('|')})$`) };
}

if (process.argv[1] === import.meta.filename) {
  const { names } = mangleableNames(join(import.meta.dirname, '..'));
  console.log(names.length, names.join(' '));
}
