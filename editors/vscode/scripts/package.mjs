// npm run package: build, bundle the server for one platform (bundled/, see
// bundle_server.py), and pack a .vsix for that platform only, as contract-lsp.vsix.
// The platform: $CONTRACT_LSP_VSIX_TARGET (a VS Code target such as linux-x64, darwin-arm64,
// win32-x64), else this machine's.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = process.env.CONTRACT_LSP_VSIX_TARGET || `${process.platform}-${process.arch}`;
const python = process.env.PYTHON || (process.platform === "win32" ? "python" : "python3");
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: "inherit", shell: process.platform === "win32" });

run("npm", ["run", "--silent", "build"]);
run(python, ["scripts/bundle_server.py", "--target", target]);
run(join(root, "node_modules", ".bin", "vsce"), [
  "package", "--no-dependencies", "--allow-missing-repository", "--target", target, "-o", "contract-lsp.vsix",
]);
