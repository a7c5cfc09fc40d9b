; Nodes the shell extractor (legacy_lens/extractors/shell.py) turns into facts. Capture names carry
; the fact kind; the extractor reads the children of each captured node.
(function_definition) @definition.function
(command) @reference.command
(variable_assignment) @fact.assignment
(redirected_statement) @fact.redirected
(heredoc_body) @fact.heredoc_body
(if_statement) @metric.decision @metric.nesting
(elif_clause) @metric.decision
(case_item) @metric.case_item
(case_statement) @metric.nesting
(for_statement) @metric.decision @metric.nesting
(c_style_for_statement) @metric.decision @metric.nesting
(while_statement) @metric.decision @metric.nesting
"&&" @metric.decision
"||" @metric.decision
