// contract-lsp for VS Code: starts the server over stdio and passes the contractLsp.*
// settings as initializationOptions and on every configuration change.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

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

async function start(context: vscode.ExtensionContext): Promise<void> {
  const command = vscode.workspace.getConfiguration("contractLsp").get<string[]>("serverCommand") ?? ["contract-lsp"];
  const [program, ...args] = command.length > 0 ? command : ["contract-lsp"];
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
    const message = /ENOENT|not found/i.test(text)
      ? `contract-lsp: the server command "${command.join(" ")}" was not found. ` +
        "Install it with `pip install contract-lsp` in the environment VS Code uses, " +
        "or set contractLsp.serverCommand to its path."
      : `contract-lsp: the server "${command.join(" ")}" failed to start: ${text}`;
    output.error(message);
    void vscode.window.showErrorMessage(message);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("contract-lsp", { log: true });
  context.subscriptions.push(output);
  context.subscriptions.push(
    vscode.commands.registerCommand("contractLsp.restart", async () => {
      if (client) {
        await client.stop();
      }
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("contractLsp.serverCommand") && client) {
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
