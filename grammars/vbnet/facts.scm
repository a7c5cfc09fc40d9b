; VB.NET facts (PyPI tree-sitter-vb-dotnet 0.3.0, grammar "vb_dotnet"). Capture names carry the kind;
; legacy_lens/extractors/vbnet.py reads the fields of each captured node.

(imports_statement) @reference.imports

; types (namespace-qualified by the extractor from the enclosing Namespace blocks)
(class_block) @definition.class
(module_block) @definition.module
(structure_block) @definition.struct
(interface_block) @definition.interface
(enum_block) @definition.enum
(delegate_declaration) @definition.delegate

; members
(method_declaration) @definition.method
(constructor_declaration) @definition.constructor
(property_declaration) @definition.property
(field_declaration) @declaration.field

; dependencies
(inherits_clause) @reference.inherits
(implements_clause) @reference.implements
(as_clause type: (_) @reference.type)
(new_expression) @reference.new
(invocation) @reference.call
(attribute) @reference.attribute
(compound_assignment_statement) @reference.compound

; string literals (embedded SQL, procedure names)
(string_literal) @string
(interpolated_string_literal) @string
