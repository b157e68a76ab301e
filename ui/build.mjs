// Copies the static files (HTML, CSS, icon) next to the compiled scripts. Plain Node, no dependencies.
import { cpSync, mkdirSync } from 'node:fs';
const out = 'target/classes/dev/cistern/server/ui';
mkdirSync(out, { recursive: true });
cpSync('src/main/web/static', out, { recursive: true });
