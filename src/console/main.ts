/** The console's browser entry (built to dist/console/console.js; never part of the widget). */
import { IndigoConsole } from './indigo-console.js';

if (!customElements.get('indigo-console')) customElements.define('indigo-console', IndigoConsole);
