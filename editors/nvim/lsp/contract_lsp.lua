-- contract-lsp for Neovim 0.11+: put editors/nvim on the runtimepath, then
--   vim.lsp.enable("contract_lsp")
-- Settings (same keys as [tool.contract-lsp]) go in init_options.contractLsp, e.g.
--   vim.lsp.config("contract_lsp", { init_options = { contractLsp = { ignore = { "CL103" } } } })
---@type vim.lsp.Config
return {
  cmd = { "contract-lsp" },
  filetypes = { "python", "yaml" },
  root_markers = { "pyproject.toml", ".git" },
  init_options = { contractLsp = vim.empty_dict() },
}
