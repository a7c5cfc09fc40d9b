; Nodes the COBOL extractor turns into facts. Capture names carry the fact kind;
; legacy_lens/extractors/cobol.py reads the children of each captured node.
(program_definition) @definition.program
(end_program) @definition.end_program
(section_header) @definition.section
(paragraph_header) @definition.paragraph
(data_description) @fact.data
(select_statement) @fact.select
(open_statement) @fact.open
(call_statement) @reference.call
(perform_statement_call_proc) @reference.perform
(goto_statement) @reference.goto
(alter_statement) @reference.alter
(move_statement) @fact.move
(procedure_division) @definition.procedure_division
