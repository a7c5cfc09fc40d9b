; Nodes the Fortran extractor turns into facts. Capture names carry the fact kind;
; legacy_lens/extractors/fortran.py reads each captured node (names from its children, the
; statement's text from the statement scanner, which joins continuation lines). Program units and
; their extents come from the statement scanner too, so that a unit survives an ERROR region.
(subroutine_call) @reference.call
(call_expression) @reference.function
(use_statement) @reference.use
(include_statement) @reference.include
(common_statement) @fact.common
(equivalence_statement) @fact.equivalence
(open_statement) @reference.open
(sized_declarator) @fact.array
(variable_declaration) @fact.declaration
(variable_modification) @fact.modification
(derived_type_statement) @fact.type
