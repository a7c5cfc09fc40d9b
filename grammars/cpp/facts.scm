; Nodes the C extractor, shared with C++, (legacy_lens/extractors/c.py) turns into facts. Capture names carry the
; fact kind; the extractor reads names, scopes and arguments from the captured nodes.
(function_definition) @definition.function
(preproc_function_def name: (identifier) @definition.macro) @definition.macro.node
(call_expression) @reference.call
(preproc_include) @reference.include
(declaration) @fact.declaration
(assignment_expression left: (identifier) right: [(string_literal) (concatenated_string)]) @fact.assign
(comment) @fact.comment
(preproc_def name: (identifier) value: (preproc_arg)) @fact.define
