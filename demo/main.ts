// The demo pages register the element from source (the npm entry `indigo-chat-widget/define`).
import '../src/define.js';
