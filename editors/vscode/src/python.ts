// Which Python runs the bundled server (SPEC section 6): the Python extension's selected
// interpreter where that extension is installed, else `python3` on PATH (`python` on
// Windows). bundled/launch.py --probe says whether it meets requires-python; when it does
// not, or there is none, the caller shows one message saying what to do and starts nothing.
import { execFile } from "node:child_process";
import * as path from "node:path";
import * as vscode from "vscode";

export interface Probe {
  version: string;
  executable: string;
  ok: boolean;
  reason: string | null;
}

export type Found =
  | { ok: true; python: string; probe: Probe }
  | { ok: false; message: string };

export const DEFAULT_PYTHON = process.platform === "win32" ? "python" : "python3";

/** The launcher inside the extension: `<extension>/bundled/launch.py`. */
export function launcherPath(extensionPath: string): string {
  return path.join(extensionPath, "bundled", "launch.py");
}

/** The Python extension's interpreter for `resource`, or undefined (not installed, none
 * selected, or its API failed: then PATH decides). */
async function pythonExtensionInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension("ms-python.python");
  if (!extension) {
    return undefined;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const api: any = extension.isActive ? extension.exports : await extension.activate();
    const environments = api?.environments;
    if (environments?.getActiveEnvironmentPath) {
      const active = environments.getActiveEnvironmentPath(resource);
      const resolved = await environments.resolveEnvironment(active);
      const executable: string | undefined = resolved?.executable?.uri?.fsPath;
      if (executable) {
        return executable;
      }
    }
    const command: string[] | undefined = api?.settings?.getExecutionDetails?.(resource)?.execCommand;
    return command && command.length > 0 ? command[0] : undefined;
  } catch {
    return undefined;
  }
}

function probe(python: string, launcher: string): Promise<Probe | { error: NodeJS.ErrnoException | Error; stderr: string }> {
  return new Promise((resolve) => {
    execFile(python, [launcher, "--probe"], { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) {
        resolve({ error, stderr: String(stderr) });
        return;
      }
      try {
        resolve(JSON.parse(String(stdout).trim().split(/\r?\n/).pop() ?? "") as Probe);
      } catch (parseError) {
        resolve({ error: parseError as Error, stderr: String(stdout) + String(stderr) });
      }
    });
  });
}

const WHAT_TO_DO =
  "Install Python 3.11 or newer (or select one with the Python extension), then run " +
  "\"contract-lsp: Restart Server\"; or set contractLsp.serverCommand to a contract-lsp you installed.";

/** The Python to run the bundled server with, or the one message that says why there is none. */
export async function findPython(extensionPath: string, resource: vscode.Uri | undefined): Promise<Found> {
  const selected = await pythonExtensionInterpreter(resource);
  const python = selected ?? DEFAULT_PYTHON;
  const where = selected ? `the Python extension's interpreter "${python}"` : `"${python}" on PATH`;
  const result = await probe(python, launcherPath(extensionPath));
  if ("error" in result) {
    const code = (result.error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? `found no Python: ${where} does not exist` : `could not run ${where}: ${result.error.message}`;
    return { ok: false, message: `contract-lsp needs Python 3.11 or newer to run its server, and ${why}. ${WHAT_TO_DO}` };
  }
  if (!result.ok) {
    return { ok: false, message: `contract-lsp cannot run its server with ${where}: ${result.reason}. ${WHAT_TO_DO}` };
  }
  return { ok: true, python, probe: result };
}
