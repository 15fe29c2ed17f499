// Ship the package's JSON Schema of contract files with the extension (yamlValidation).
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "..", "..", "..", "contract_lsp", "schema", "contracts.schema.json");
if (!existsSync(source)) {
  console.error(`schema not found: ${source}`);
  process.exit(1);
}
mkdirSync(join(here, "..", "schema"), { recursive: true });
copyFileSync(source, join(here, "..", "schema", "contracts.schema.json"));
