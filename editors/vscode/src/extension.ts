// contract-lsp for VS Code: starts the server it carries (bundled/, SPEC section 6) with a
// Python >= 3.11 over stdio, or contractLsp.serverCommand where that is set, and passes the
// contractLsp.* settings as initializationOptions and on every configuration change.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { findPython, launcherPath } from "./python";

let client: LanguageClient | undefined;
// A log channel: vscode-languageclient 11 writes to it with .error()/.info(), which a
// plain output channel lacks (the client then fails to start).
let output: vscode.LogOutputChannel;

function settings(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration("contractLsp");
  const out: Record<string, unknown> = {};
  for (const key of ["contracts", "select", "ignore"]) {
    const value = config.get<string[]>(key);
    if (value && value.length > 0) {
      out[key] = value;
    }
  }
  return out;
}

function fail(message: string): void {
  output.error(message);
  void vscode.window.showErrorMessage(message, "Show Output").then((choice) => {
    if (choice) {
      output.show();
    }
  });
}

/** [program, ...args] that start the server, or undefined after saying why there is none. */
async function serverCommand(context: vscode.ExtensionContext): Promise<string[] | undefined> {
  const configured = vscode.workspace.getConfiguration("contractLsp").get<string[]>("serverCommand") ?? [];
  if (configured.length > 0) {
    return configured;
  }
  const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
  const found = await findPython(context.extensionPath, resource);
  if (!found.ok) {
    fail(found.message);
    return undefined;
  }
  output.info(`bundled server with Python ${found.probe.version} (${found.probe.executable})`);
  return [found.python, launcherPath(context.extensionPath)];
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const command = await serverCommand(context);
  if (!command) {
    return; // said why once; "Restart Server" tries again
  }
  const [program, ...args] = command;
  const serverOptions: ServerOptions = {
    command: program,
    args: [...args, "--stdio"],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "file", language: "yaml", pattern: "**/contracts/**/*.{yaml,yml}" },
    ],
    initializationOptions: { contractLsp: settings() },
    outputChannel: output,
    synchronize: { configurationSection: "contractLsp" },
  };
  client = new LanguageClient("contractLsp", "contract-lsp", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    const text = String(error);
    fail(
      /ENOENT|not found/i.test(text)
        ? `contract-lsp: the server command "${command.join(" ")}" was not found. ` +
            "Clear contractLsp.serverCommand to use the server this extension carries, or set it to the command's full path."
        : `contract-lsp: the server "${command.join(" ")}" failed to start: ${text}`,
    );
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("contract-lsp", { log: true });
  context.subscriptions.push(output);
  context.subscriptions.push(
    vscode.commands.registerCommand("contractLsp.restart", async () => {
      if (client) {
        await client.stop();
        client = undefined;
      }
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("contractLsp.serverCommand")) {
        await vscode.commands.executeCommand("contractLsp.restart");
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
