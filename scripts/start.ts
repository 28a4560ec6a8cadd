/**
 * `npm start`: for now, builds the example node for every board and prints
 * the size tables (the same as `npm run build`). The simulator issue turns
 * this into a live node on an embedded broker.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const result = spawnSync(process.execPath, ["--import", "tsx", root + "scripts/build.ts", ...process.argv.slice(2)], {
  stdio: "inherit",
  cwd: root,
});
process.exit(result.status ?? 1);
