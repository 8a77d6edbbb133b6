/**
 * The site's script tag as the loader finds it, with these `data-*` (dataset names:
 * `mediaOrigins` for `data-media-origins`). `text/plain`: found by the loader's selector
 * fallback, never executed (the tests import the loader from source).
 */
export function addScriptTag(data: Readonly<Record<string, string>>): HTMLScriptElement {
  const script = document.createElement('script');
  script.type = 'text/plain';
  script.setAttribute('src', '/cdn/indigo-chat.iife.js');
  Object.assign(script.dataset, data);
  document.head.append(script);
  return script;
}
