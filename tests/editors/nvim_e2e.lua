-- Driven by tests/editors/test_neovim.py: open a file, wait for contract-lsp's
-- diagnostics, apply the preferred quick fix through Neovim's own LSP client, save, and
-- write what happened as JSON to the path in $CONTRACT_LSP_E2E_OUT.
local out_path = os.getenv("CONTRACT_LSP_E2E_OUT")
local target = os.getenv("CONTRACT_LSP_E2E_FILE")
local result = { diagnostics = {}, actions = {}, error = vim.NIL }

local function finish()
  local f = assert(io.open(out_path, "w"))
  f:write(vim.json.encode(result))
  f:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  vim.cmd("filetype on")
  vim.lsp.enable("contract_lsp")
  vim.cmd.edit(target)
  local bufnr = vim.api.nvim_get_current_buf()
  local found = vim.wait(30000, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 100)
  if not found then
    error("no diagnostics within 30 s; clients: " .. #vim.lsp.get_clients({ bufnr = bufnr }))
  end
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, code = d.code, source = d.source, message = d.message })
  end
  local client = vim.lsp.get_clients({ bufnr = bufnr, name = "contract_lsp" })[1]
  local d = vim.diagnostic.get(bufnr)[1]
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.end_lnum, character = d.end_col } },
    context = { diagnostics = { d.user_data and d.user_data.lsp or {} }, only = { "quickfix" } },
  }
  local response = client:request_sync("textDocument/codeAction", params, 10000, bufnr)
  assert(response and response.result, "no code action response")
  local chosen
  for _, action in ipairs(response.result) do
    table.insert(result.actions, action.title)
    if action.isPreferred and not chosen then
      chosen = action
    end
  end
  assert(chosen, "no preferred quick fix")
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  vim.cmd.write()
  result.applied = chosen.title
  -- the diagnostic goes away once the server sees the new text
  result.cleared = vim.wait(15000, function()
    for _, x in ipairs(vim.diagnostic.get(bufnr)) do
      if x.code == d.code and x.lnum == d.lnum then
        return false
      end
    end
    return true
  end, 100)
end)
if not ok then
  result.error = tostring(err)
end
finish()
