;;; emacs_e2e.el --- driven by tests/editors/test_emacs.py  -*- lexical-binding: t; -*-
;; Open $CONTRACT_LSP_E2E_FILE, start eglot with editors/emacs/contract-lsp.el's
;; configuration, wait for contract-lsp's diagnostics in flymake, hover on the keyword
;; (rendered as eglot renders it for eldoc), apply the preferred quick fix through eglot's
;; own code-action and workspace-edit functions, save, and write what happened as JSON to
;; $CONTRACT_LSP_E2E_OUT.

(require 'json)
(require 'eglot)

(defvar e2e-result (list (cons 'error nil)))

(defun e2e-put (key value)
  (setf (alist-get key e2e-result) value))

(defun e2e-wait (predicate seconds)
  "Process output (timers and the server's messages) until PREDICATE or SECONDS pass."
  (let ((deadline (+ (float-time) seconds)) (done nil))
    (while (and (not (setq done (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    done))

(defun e2e-lsp-diag (diag)
  (cdr (assoc 'eglot-lsp-diag (eglot--diag-data diag))))

(condition-case err
    (progn
      (find-file (getenv "CONTRACT_LSP_E2E_FILE"))
      (apply #'eglot (eglot--guess-contact))
      (unless (e2e-wait (lambda () (flymake-diagnostics)) 60)
        (error "no diagnostics within 60 s; server: %S" (eglot-current-server)))
      (let* ((diag (car (flymake-diagnostics)))
             (lsp (e2e-lsp-diag diag)))
        (e2e-put 'diagnostics
                 (vconcat (mapcar (lambda (d)
                                    (let ((l (e2e-lsp-diag d)))
                                      (list (cons 'line (line-number-at-pos (flymake-diagnostic-beg d)))
                                            (cons 'code (plist-get l :code))
                                            (cons 'source (plist-get l :source))
                                            (cons 'text (flymake-diagnostic-text d)))))
                                  (flymake-diagnostics))))
        ;; hover on the keyword, as eldoc shows it
        (goto-char (flymake-diagnostic-beg diag))
        (let* ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                       (eglot--TextDocumentPositionParams)))
               (contents (plist-get hover :contents)))
          (e2e-put 'hover (substring-no-properties (eglot--hover-info contents (plist-get hover :range)))))
        ;; the quick fixes at the diagnostic; apply the preferred one as eglot does
        (let* ((actions (eglot-code-actions (flymake-diagnostic-beg diag) (flymake-diagnostic-end diag) "quickfix"))
               (chosen (cl-find-if (lambda (a) (plist-get a :isPreferred)) actions)))
          (e2e-put 'actions (vconcat (mapcar (lambda (a) (plist-get a :title)) actions)))
          (unless chosen (error "no preferred quick fix among %S" actions))
          (eglot--apply-workspace-edit (plist-get chosen :edit))
          (save-buffer)
          (e2e-put 'applied (plist-get chosen :title))
          (e2e-put 'cleared
                   (if (e2e-wait (lambda ()
                                   (not (cl-find-if (lambda (d) (equal (plist-get (e2e-lsp-diag d) :code)
                                                                       (plist-get lsp :code)))
                                                    (flymake-diagnostics))))
                                 30)
                       t :json-false)))))
  (error (e2e-put 'error (error-message-string err))))

(with-temp-file (getenv "CONTRACT_LSP_E2E_OUT")
  (insert (json-encode e2e-result)))
(kill-emacs 0)
;;; emacs_e2e.el ends here
