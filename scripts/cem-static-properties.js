// A custom-elements-manifest analyzer plugin: reads a Lit element's static `properties`
// whose values are not object literals but a const (`internal = { state: true }`) or a call
// of a one-line helper (`dashed = (attribute) => ({ attribute, reflect: true })`), in the
// same file, and corrects the manifest: the declared attribute name, and no attribute at
// all for `state: true` / `attribute: false`. Values it cannot resolve are left as the Lit
// plugin wrote them.

/** @typedef {{ attribute?: string | false, state?: boolean, reflect?: boolean }} Options */

/** Top-level `const name = …` initializer in the file, or undefined. */
function constInitializer(ts, file, name) {
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name) return d.initializer;
  }
  return undefined;
}

/**
 * The options an initializer stands for. `args` maps a helper's parameter names to the
 * string literals it was called with.
 * @returns {Options | null}
 */
function optionsOf(ts, file, node, args = new Map()) {
  if (!node) return null;
  if (ts.isParenthesizedExpression(node)) return optionsOf(ts, file, node.expression, args);
  if (ts.isIdentifier(node)) return optionsOf(ts, file, constInitializer(ts, file, node.text));
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
    const fn = constInitializer(ts, file, node.expression.text);
    if (!fn || !ts.isArrowFunction(fn) || ts.isBlock(fn.body)) return null;
    const bound = new Map();
    fn.parameters.forEach((p, i) => {
      const arg = node.arguments[i];
      if (ts.isIdentifier(p.name) && arg && ts.isStringLiteralLike(arg)) bound.set(p.name.text, arg.text);
    });
    return optionsOf(ts, file, fn.body, bound);
  }
  if (!ts.isObjectLiteralExpression(node)) return null;
  /** @type {Options} */
  const out = {};
  for (const p of node.properties) {
    const key = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
    if (key === undefined) continue;
    // `{ attribute }` shorthand: the parameter of the helper.
    const value = ts.isShorthandPropertyAssignment(p) ? p.name : ts.isPropertyAssignment(p) ? p.initializer : undefined;
    if (!value) continue;
    const literal = ts.isStringLiteralLike(value)
      ? value.text
      : ts.isIdentifier(value) && args.has(value.text)
        ? args.get(value.text)
        : value.kind === ts.SyntaxKind.TrueKeyword
          ? true
          : value.kind === ts.SyntaxKind.FalseKeyword
            ? false
            : undefined;
    if (key === 'attribute' && (typeof literal === 'string' || literal === false)) out.attribute = literal;
    if (key === 'state' && literal === true) out.state = true;
    if (key === 'reflect' && literal === true) out.reflect = true;
  }
  return out;
}

export function staticPropertyHelpers() {
  /** module path -> class name -> field -> attribute name, or null for none */
  const found = new Map();
  return {
    name: 'indigo-static-property-helpers',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const file = node.getSourceFile();
      for (const member of node.members) {
        const isStatic = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
        if (!isStatic || member.name?.getText() !== 'properties') continue;
        // `static properties = {…}`, or `static get properties() { return {…}; }` (the
        // element's: a static field would be built as a class static block).
        const init = ts.isPropertyDeclaration(member)
          ? member.initializer
          : ts.isGetAccessorDeclaration(member)
            ? member.body?.statements.find((st) => ts.isReturnStatement(st))?.expression
            : undefined;
        if (!init || !ts.isObjectLiteralExpression(init)) continue;
        const fields = new Map();
        for (const p of init.properties) {
          if (!ts.isPropertyAssignment(p)) continue;
          const options = optionsOf(ts, file, p.initializer);
          if (!options) continue;
          const field = p.name.getText();
          if (options.state || options.attribute === false) fields.set(field, null);
          else if (typeof options.attribute === 'string') fields.set(field, options.attribute);
        }
        const classes = found.get(moduleDoc.path) ?? new Map();
        classes.set(node.name.text, fields);
        found.set(moduleDoc.path, classes);
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules ?? []) {
        const classes = found.get(mod.path);
        if (!classes) continue;
        for (const decl of mod.declarations ?? []) {
          const fields = classes.get(decl.name);
          if (!fields) continue;
          decl.attributes = (decl.attributes ?? [])
            .filter((a) => fields.get(a.fieldName ?? a.name) !== null)
            .map((a) => {
              const name = fields.get(a.fieldName ?? a.name);
              return typeof name === 'string' ? { ...a, name } : a;
            });
          for (const m of decl.members ?? []) {
            if (!fields.has(m.name)) continue;
            const name = fields.get(m.name);
            if (name === null) delete m.attribute;
            else m.attribute = name;
          }
        }
      }
    },
  };
}
