// Runs inside the page (every engine): finds elements by a CSS selector whose descendant
// steps pierce open shadow roots (as Playwright's CSS engine does), optionally filtered by
// text, and performs one operation on them. Kept as plain source text and sent whole with
// each call, so it needs no eval in the page and works under a strict CSP.
export const pageQuerySource = String.raw`(function pageQuery(op, chain, arg) {
  function split(sel) {
    var parts = [];
    var depth = 0;
    var quote = '';
    var cur = '';
    for (var i = 0; i < sel.length; i++) {
      var c = sel[i];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (/\s/.test(c) && depth === 0) {
        if (cur) parts.push(cur);
        cur = '';
        continue;
      }
      cur += c;
    }
    if (cur) parts.push(cur);
    return parts;
  }
  function descendants(node, out) {
    var kids = [];
    if (node.shadowRoot) kids.push.apply(kids, node.shadowRoot.children);
    kids.push.apply(kids, node.children || []);
    for (var i = 0; i < kids.length; i++) {
      out.push(kids[i]);
      descendants(kids[i], out);
    }
    return out;
  }
  function matchText(el, hasText) {
    var t = el.textContent || '';
    if (hasText.regex) return new RegExp(hasText.regex, hasText.flags).test(t);
    return t.toLowerCase().replace(/\s+/g, ' ').indexOf(String(hasText.text).toLowerCase()) >= 0;
  }
  function pick(list, i) {
    if (i === null || i === undefined) return list;
    var el = i < 0 ? list[list.length + i] : list[i];
    return el ? [el] : [];
  }
  function all() {
    var scope = [document];
    for (var c = 0; c < chain.length; c++) {
      var steps = split(chain[c].s);
      for (var s = 0; s < steps.length; s++) {
        var next = [];
        var seen = new Set();
        for (var k = 0; k < scope.length; k++) {
          var ds = descendants(scope[k], []);
          for (var d = 0; d < ds.length; d++) {
            if (!seen.has(ds[d]) && ds[d].matches(steps[s])) {
              seen.add(ds[d]);
              next.push(ds[d]);
            }
          }
        }
        scope = next;
      }
      if (chain[c].t) scope = scope.filter(function (el) { return matchText(el, chain[c].t); });
      if (c < chain.length - 1) scope = pick(scope, chain[c].i);
    }
    return scope;
  }
  function visible(el) {
    if (!el || !el.isConnected) return false;
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return false;
    var cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none';
  }
  var list = all();
  var index = chain[chain.length - 1].i;
  if (index !== null && index !== undefined) list = pick(list, index);
  if (op === 'count') return list.length;
  if (op === 'texts') return list.map(function (e) { return e.textContent || ''; });
  if (op === 'all') return list;
  var el = list[0];
  if (op === 'state') return { attached: !!el, visible: visible(el) };
  if (!el) throw new Error('no element matches ' + JSON.stringify(chain));
  switch (op) {
    case 'get':
      return el;
    case 'element':
      el.scrollIntoView({ block: 'center', inline: 'center' });
      return el;
    case 'text':
      return el.textContent;
    case 'attr':
      return el.getAttribute(arg);
    case 'value':
      return el.value;
    case 'box': {
      var b = el.getBoundingClientRect();
      return { x: b.x, y: b.y, width: b.width, height: b.height };
    }
    case 'focus':
      el.focus();
      return true;
    case 'clear':
      el.focus();
      el.value = '';
      el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      return true;
    default:
      throw new Error('unknown op ' + op);
  }
})`;
