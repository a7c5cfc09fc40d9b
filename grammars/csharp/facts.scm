; C# facts (tree-sitter-language-pack 0.13.0 grammar "csharp"). Capture names carry the kind;
; legacy_lens/extractors/csharp.py reads the fields of each captured node.

; using System.Data; using Db = Acme.Data; global using ...
(using_directive) @reference.using

; types: namespace-qualified by the extractor from the enclosing namespaces and types
(class_declaration name: (identifier)) @definition.class
(struct_declaration name: (identifier)) @definition.struct
(interface_declaration name: (identifier)) @definition.interface
(enum_declaration name: (identifier)) @definition.enum
(record_declaration name: (identifier)) @definition.record
(delegate_declaration name: (identifier)) @definition.delegate

; members
(method_declaration name: (identifier)) @definition.method
(constructor_declaration name: (identifier)) @definition.constructor
(property_declaration name: (identifier)) @definition.property
(global_statement) @definition.toplevel

; declared types of fields, locals, parameters, properties, return types: type uses and the receiver table
(variable_declaration) @declaration.variable
(parameter) @declaration.parameter
(foreach_statement) @declaration.foreach
(method_declaration returns: (_) @reference.type)
(cast_expression type: (_) @reference.type)
(typeof_expression type: (_) @reference.type)

; dependencies
(base_list) @reference.base
(object_creation_expression) @reference.new
(invocation_expression) @reference.call
(assignment_expression) @reference.assign
(attribute) @reference.attribute

; string literals (embedded SQL, procedure names)
(string_literal) @string
(verbatim_string_literal) @string
(raw_string_literal) @string
(interpolated_string_expression) @string
