; Nodes the Java extractor turns into facts. Capture names carry the fact kind; the extractor
; (legacy_lens/extractors/java.py) reads the fields of each captured node, resolves type names
; through the file's package and imports, and types method receivers from the declarations.

; the file's package and imports
(package_declaration) @package
(import_declaration) @import

; type declarations (top-level ones are components; nested ones are parts of their top-level type)
(class_declaration) @definition.class
(interface_declaration) @definition.interface
(enum_declaration) @definition.enum
(record_declaration) @definition.record
(annotation_type_declaration) @definition.annotation

; members
(method_declaration) @definition.method
(constructor_declaration) @definition.constructor
(compact_constructor_declaration) @definition.constructor

; inheritance
(superclass) @reference.extends
(super_interfaces) @reference.implements
(extends_interfaces) @reference.extends

; calls: `new T(...)`, `receiver.m(...)`, `T::m`
(object_creation_expression) @reference.new
(method_invocation) @reference.call
(method_reference) @reference.method_ref

; declarations that give a name a type (receivers of calls, SQL held in variables and constants)
(field_declaration) @declaration.field
(constant_declaration) @declaration.field
(local_variable_declaration) @declaration.local
(formal_parameter) @declaration.parameter
(spread_parameter) @declaration.parameter
(catch_formal_parameter) @declaration.catch
(resource) @declaration.resource
(enhanced_for_statement) @declaration.for

; `sql += "..."`, `sql = sql + "..."`: SQL text built in steps
(assignment_expression) @assignment

; annotations on types (@Entity, @Table, @WebServlet, @Stateless, @NamedQuery ...)
(annotation) @annotation
(marker_annotation) @annotation
