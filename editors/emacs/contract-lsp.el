;;; contract-lsp.el --- contract-lsp in Emacs through eglot  -*- lexical-binding: t; -*-

;; Tested with Emacs 28 and eglot 1.9 (Debian's emacs-nox and elpa-eglot) by
;; tests/editors/test_emacs.py: diagnostics (flymake), hover (eldoc), quick fixes.
;;
;; Load it from your init file:
;;   (load "/path/to/contract-lsp/editors/emacs/contract-lsp.el")
;; then M-x eglot in a Python buffer (or add `eglot-ensure' to `python-mode-hook').
;; The `contract-lsp' command must be on `exec-path' (pip install contract-lsp).
;; Eglot runs one server per major mode: this replaces pylsp/pyright for Python buffers.

;;; Code:

(defvar contract-lsp-command '("contract-lsp" "--stdio")
  "The command that starts the contract-lsp language server.")

(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs
               `((python-mode python-ts-mode) . ,contract-lsp-command)))

(provide 'contract-lsp)
;;; contract-lsp.el ends here
