; Delphi / Object Pascal facts (tree-sitter-language-pack 0.13.0 grammar "pascal"). Unit headers, uses
; lists, package clauses and {$R} form links are read by the token reader in
; legacy_lens/extractors/delphi.py, which also interprets these captures.

; class, interface, record and helper types (their routines are defined in the implementation part)
(declType (declClass)) @definition.type
(declType (declIntf)) @definition.type
(declType (declHelper)) @definition.type

; routine bodies: procedures, functions, methods (TClass.Name), nested routines
(defProc) @definition.routine

; external 'kernel32.dll' name 'X'
(procExternal) @definition.external

; calls: F(x), Unit.F(x), Obj.SQL.Add('...'), and a bare statement "Helper;"
(exprCall) @reference.call
(statement (identifier) @reference.call)
(statement (exprDot) @reference.call)

; assignments: Q.SQL.Text := '...', P.ProcedureName := '...', T.TableName := '...'
(assignment) @reference.assign
