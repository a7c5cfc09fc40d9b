"""Shared VB-family statement handling: VB6/VBA modules, and VBScript in ASP pages and scripts.

The VB6 (``vb6.py``) and ASP/VBScript (``asp.py``) extractors hand :func:`analyse` the code of one
file as :class:`Piece` s (a physical line number, its code text and the server block it belongs
to); this module does the rest in one linear pass per file:

* lexing: strings with ``""`` escapes, ``#date#`` literals, ``&H`` numbers, ``[bracketed]`` names,
  type suffixes (``Left$``), ``'`` and ``Rem`` comments, `` _`` continuations (of comments too);
* statements: ``:`` separators, line labels and numbers, single-line ``If ... Then ... Else``;
* a first pass collects the file's routines, declared APIs, module variables and VBScript classes,
  so that a call before its definition still resolves to the file's own routine;
* the second pass tracks routines, blocks (nesting), locals and typed objects (``Dim x As New C``,
  ``Set x = New C``), ``With`` targets and the string values of variables (SQL built by
  concatenation), and records calls, COM use, native ``Declare`` s, ``Implements`` and CRUD.

Nothing here raises on bad input: a statement the parser cannot make sense of is counted as
unclassified (its lines feed the parse-quality error ratio), never dropped silently.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from legacy_lens.extractors.sql import dml_tables
from legacy_lens.model import WARNING, Definition, Diagnostic, Reference

VB6 = "vb6"
VBSCRIPT = "vbscript"

# -- vocabulary ---------------------------------------------------------------------------------
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Statement and operator keywords: never a call target.
KEYWORDS = _words("""
ADDRESSOF ALIAS AND ANY AS BYREF BYVAL CALL CASE CLASS CONST DECLARE DEFAULT DIM DO EACH ELSE ELSEIF
EMPTY END ENDIF ENUM EQV ERASE EVENT EXIT FALSE FOR FRIEND FUNCTION GET GLOBAL GOSUB GOTO IF IMP
IMPLEMENTS IN IS LET LIB LIKE LOOP ME MOD NEW NEXT NOT NOTHING NULL ON OPTION OPTIONAL OR PARAMARRAY
PRESERVE PRIVATE PROPERTY PTRSAFE PUBLIC RAISEEVENT REDIM REM RESUME RETURN SELECT SET STATIC STEP STOP
SUB THEN TO TRUE TYPE TYPEOF UNTIL WEND WHILE WITH WITHEVENTS XOR ANDALSO ORELSE
""")

# VB6/VBA/VBScript functions and statement-like procedures: calls to them are not edges.
BUILTIN_FUNCTIONS = _words("""
ABS APPACTIVATE ARRAY ASC ASCB ASCW ATN BEEP CALLBYNAME CBOOL CBYTE CCUR CDATE CDBL CDEC CHDIR CHDRIVE
CHOOSE CHR CHRB CHRW CINT CLNG CLNGLNG CLNGPTR CLOSE COMMAND COS CREATEOBJECT CSNG CSTR CURDIR CVAR CVDATE
CVERR DATE DATEADD DATEDIFF DATEPART DATESERIAL DATEVALUE DAY DDB DELETESETTING DIR DOEVENTS ENVIRON EOF
ERROR EXP FILEATTR FILECOPY FILEDATETIME FILELEN FILTER FIX FORMAT FORMATCURRENCY FORMATDATETIME
FORMATNUMBER FORMATPERCENT FREEFILE FV GETALLSETTINGS GETATTR GETAUTOSERVERSETTINGS GETOBJECT GETSETTING
HEX HOUR IIF IMESTATUS INPUT INPUTB INPUTBOX INSTR INSTRB INSTRREV INT IPMT IRR ISARRAY ISDATE ISEMPTY
ISERROR ISMISSING ISNULL ISNUMERIC ISOBJECT JOIN KILL LBOUND LCASE LEFT LEFTB LEN LENB LINE LOAD
LOADPICTURE LOADRESDATA LOADRESPICTURE LOADRESSTRING LOC LOCK LOF LOG LSET LTRIM MID MIDB MINUTE MIRR
MKDIR MONTH MONTHNAME MSGBOX NAME NOW NPER NPV OBJPTR OCT OPEN PARTITION PMT PPMT PRINT PUT PV QBCOLOR
RANDOMIZE RATE REPLACE RESET RGB RIGHT RIGHTB RMDIR RND ROUND RSET RTRIM SAVEPICTURE SAVESETTING SECOND
SEEK SENDKEYS SETATTR SGN SHELL SIN SLN SPACE SPC SPLIT SQR STR STRCOMP STRCONV STRING STRPTR STRREVERSE
SWITCH SYD TAB TAN TIME TIMER TIMESERIAL TIMEVALUE TRIM TYPENAME UBOUND UCASE UNLOAD UNLOCK VAL VARPTR
VARTYPE WEEKDAY WEEKDAYNAME WIDTH WRITE YEAR
ESCAPE EVAL EXECUTE EXECUTEGLOBAL GETLOCALE GETREF SCRIPTENGINE SCRIPTENGINEBUILDVERSION
SCRIPTENGINEMAJORVERSION SCRIPTENGINEMINORVERSION SETLOCALE UNESCAPE RGBCOLOR
DLOOKUP DCOUNT DSUM DMAX DMIN DAVG DFIRST DLAST NZ CURRENTDB CURRENTUSER EVALUATE INTERSECT UNION
""")

# Objects that are part of the runtime or the host: their members are never the project's routines.
BUILTIN_OBJECTS = _words("""
APP SCREEN PRINTER PRINTERS CLIPBOARD ERR DEBUG FORMS VB VBA GLOBAL CONTROLS LICENSES STDOLE
RESPONSE REQUEST SERVER SESSION APPLICATION OBJECTCONTEXT ASPERROR WSCRIPT WSH
DOCMD DBENGINE WORKSPACES CURRENTPROJECT CODEPROJECT SCREEN REPORTS MSFORMS
THISWORKBOOK ACTIVEWORKBOOK ACTIVESHEET ACTIVECELL ACTIVECHART ACTIVEWINDOW WORKBOOKS WORKSHEETS SHEETS
RANGE CELLS ROWS COLUMNS SELECTION CHARTS WORKSHEETFUNCTION THISDOCUMENT ACTIVEDOCUMENT DOCUMENTS
ACTIVEPRESENTATION PRESENTATIONS VBE USERCONTROL PROPERTYPAGE USERDOCUMENT EXTENDER AMBIENT PARENTCONTROLS
HYPERLINK DATAREPORT DATAENVIRONMENT
""")

# Methods of the form or control itself, called without ``Me.`` inside it (``Show``, ``PopupMenu mnuX``).
FORM_METHODS = _words("""
SHOW HIDE REFRESH MOVE SETFOCUS CLS PRINTFORM ZORDER POPUPMENU CIRCLE PSET POINT SCALE SCALEX SCALEY
PAINTPICTURE TEXTWIDTH TEXTHEIGHT VALIDATECONTROLS DRAG OLEDRAG WHATSTHISMODE CANPROPERTYCHANGE
PROPERTYCHANGED ASYNCREAD CANCELASYNCREAD SIZE
""")

# Types that are never the project's classes (member calls on them are not edges).
BUILTIN_TYPES = _words("""
BOOLEAN BYTE INTEGER LONG LONGLONG LONGPTR SINGLE DOUBLE CURRENCY DECIMAL DATE STRING OBJECT VARIANT ANY
COLLECTION FORM MDIFORM CONTROL CONTROLS USERCONTROL PROPERTYBAG STDFONT STDPICTURE PICTURE IPICTUREDISP
FONT ERROBJECT TEXTBOX LABEL COMMANDBUTTON CHECKBOX OPTIONBUTTON COMBOBOX LISTBOX FRAME PICTUREBOX IMAGE
TIMER SHAPE LINE DATA MENU HSCROLLBAR VSCROLLBAR DRIVELISTBOX DIRLISTBOX FILELISTBOX OLE DATAOBJECT
RECORDSET CONNECTION COMMAND FIELD FIELDS PARAMETER PARAMETERS ERRORS PROPERTY PROPERTIES STREAM RECORD
DATABASE WORKSPACE QUERYDEF TABLEDEF INDEX RELATION DBENGINE RDOCONNECTION RDORESULTSET RDOQUERY
DICTIONARY FILESYSTEMOBJECT TEXTSTREAM FILE FOLDER DRIVE FILES FOLDERS DRIVES REGEXP MATCH MATCHES
DOMDOCUMENT DOMDOCUMENT30 DOMDOCUMENT40 DOMDOCUMENT60 IXMLDOMNODE IXMLDOMELEMENT IXMLDOMNODELIST
IXMLDOMDOCUMENT XMLHTTP SERVERXMLHTTP XMLHTTP60 SERVERXMLHTTP60 WORKBOOK WORKSHEET LISTITEM LISTITEMS NODE
NODES TREEVIEW LISTVIEW IMAGELIST STATUSBAR TOOLBAR BUTTON PANEL COLUMNHEADER TABSTRIP PROGRESSBAR
SLIDER MSFLEXGRID MSHFLEXGRID COMMONDIALOG RICHTEXTBOX WINSOCK MSCOMM INET DATAGRID ADODC
APPLICATION RANGE CHART CHARTOBJECT SHAPES PIVOTTABLE LISTOBJECT HYPERLINK WINDOW NAME NAMES SHEETS
DOCUMENT PARAGRAPH SELECTION MAILITEM NAMESPACE RECIPIENT ATTACHMENT SLIDE PRESENTATION TEXTFRAME
""")

# Type libraries whose classes are COM, never the project's own (``New ADODB.Recordset``).
COM_LIBRARIES = _words("""
ADODB ADOX ADOMD DAO RDO JRO VBA VB STDOLE SCRIPTING VBSCRIPT MSXML MSXML2 MSXML3 MSXML4 MSXML6 EXCEL WORD
OFFICE OUTLOOK ACCESS POWERPOINT MSCOMCTLLIB MSCOMCTL2 COMCTL3 MSCOMDLG MSFORMS MSFLEXGRIDLIB
MSHIERARCHICALFLEXGRIDLIB RICHTEXTLIB MSWINSOCKLIB MSCOMMLIB INETCTLSOBJECTS TABDLG THREED MSDATAGRIDLIB
MSADODCLIB MSDATALISTLIB MSACAL MSCHART20LIB MSMAPI SHDOCVW SHELL32 IWSHRUNTIMELIBRARY WSHOM CDO CDONTS
MAPI WINHTTP SQLDMO DTS MSWC PERSITS SYSTEM MICROSOFT MSMQ
""")

# Well-known ProgIDs, canonically spelt (ProgIDs are case-insensitive; one spelling makes one node).
_KNOWN_PROGIDS = sorted(_words(
    "ADODB.Connection ADODB.Recordset ADODB.Command ADODB.Stream ADODB.Parameter ADODB.Record ADOX.Catalog "
    "ADOX.Table ADOMD.Catalog ADOMD.Cellset DAO.DBEngine DAO.DBEngine.36 DAO.DBEngine.120 JRO.JetEngine "
    "Scripting.FileSystemObject Scripting.Dictionary Scripting.Encoder WScript.Shell WScript.Network "
    "Shell.Application VBScript.RegExp MSXML2.DOMDocument MSXML2.DOMDocument.3.0 MSXML2.DOMDocument.4.0 "
    "MSXML2.DOMDocument.6.0 MSXML2.XMLHTTP MSXML2.XMLHTTP.3.0 MSXML2.XMLHTTP.6.0 MSXML2.ServerXMLHTTP "
    "MSXML2.ServerXMLHTTP.3.0 MSXML2.ServerXMLHTTP.6.0 MSXML2.FreeThreadedDOMDocument MSXML2.XSLTemplate "
    "Microsoft.XMLDOM Microsoft.XMLHTTP WinHttp.WinHttpRequest.5.1 Excel.Application Excel.Sheet "
    "Word.Application Word.Document Outlook.Application Access.Application PowerPoint.Application "
    "CDO.Message CDO.Configuration CDONTS.NewMail MSMAPI.MAPISession MSWC.AdRotator MSWC.BrowserType "
    "MSWC.NextLink MSWC.ContentRotator MSWC.Counters MSWC.PageCounter MSWC.PermissionChecker MSWC.Tools "
    "MSWC.MyInfo Persits.Upload Persits.MailSender Persits.Jpeg SQLDMO.SQLServer DTS.Package "
    "InternetExplorer.Application Scriptlet.TypeLib System.Collections.ArrayList System.Text.StringBuilder "
    "MSMQ.MSMQQueueInfo MSMQ.MSMQQueue MSMQ.MSMQMessage MSMQ.MSMQQuery MSMQ.MSMQTransactionDispenser"
))
_PROGID_CANON = {p.lower(): p for p in _KNOWN_PROGIDS}
# The classes of those libraries under their short names (``Dim rs As New Recordset``).
_SHORT_COM = {p.split(".")[1].upper(): p for p in _KNOWN_PROGIDS if p.count(".") == 1}
_VB_CLASSES = frozenset({"COLLECTION", "STDFONT", "STDPICTURE", "REGEXP", "CLASS"})

# Constants of the runtime and of common type libraries, recognised by prefix + a capital letter
# (``vbCrLf``, ``adOpenStatic``, ``dbOpenDynaset``); only skipped where a call is a guess anyway.
_CONSTANT_PREFIX = re.compile(r"^(?:vb|ad|db|xl|wd|mso|rd|ol|ss|flex|lvw|tvw|sbr|tbr|cdl|mci|ado)[A-Z]")

# Methods and properties through which ADO, DAO and RDO run SQL text.
_SQL_METHODS = frozenset({"EXECUTE", "OPEN", "OPENRECORDSET", "OPENRESULTSET", "CREATEQUERYDEF", "RUNSQL",
                          "EXECUTESQL", "OPENQUERY", "REQUERY"})
_SQL_PROPERTIES = frozenset({"COMMANDTEXT", "SOURCE", "RECORDSOURCE", "ROWSOURCE", "SQL"})
# Query languages that look like SQL and are not (WMI's WQL): strings passed to these are never tables.
_NOT_SQL_METHODS = frozenset({"EXECQUERY", "EXECQUERYASYNC", "EXECNOTIFICATIONQUERY", "EXECNOTIFICATIONQUERYASYNC"})
_NOT_TABLE_PREFIX = ("WIN32_", "CIM_", "MSFT_")
_SQL_NAMED = re.compile(r"sql|qry|query|stmt|cmdtext|select|insert|update|delete", re.IGNORECASE)
_MARK = "LLVBX0"  # stands for a non-literal part of a concatenated SQL string

# -- lexer --------------------------------------------------------------------------------------
_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\f\v\x1a\xa0\u3000]+)
   |(?P<str>"[^"]*(?:""[^"]*)*")
   |(?P<ustr>")
   |(?P<comment>['\u2018\u2019])
   |(?P<date>\#\d[\d/:\-. ]*(?:[AaPp][Mm] *)?\#)
   |(?P<num>&[Hh][0-9A-Fa-f]+&?|&[Oo]?[0-7]+&?|(?:\d+\.?\d*|\.\d+)(?:[EeDd][+-]?\d+)?[%&!#@]?)
   |(?P<id>[^\W\d]\w*)
   |(?P<br>\[[^\]\n]*\])
   |(?P<op>:=|<>|<=|>=|=<|=>|[-+*/\\^&=<>(),.:;!\#?{}@])
   |(?P<bad>.)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Piece:
    """One physical line's worth of code. Pieces of different ``block`` s never join (ASP ``<% %>``)."""

    line: int
    text: str
    block: int = 0


@dataclass(slots=True)
class Tok:
    kind: str  # id | str | num | date | op | bad | ustr
    text: str  # as written
    up: str  # identifiers: upper case, no brackets or type suffix; strings: the contents; else the text
    line: int


def _lex(text: str, line: int, dialect: str) -> tuple[list[Tok], bool]:
    """Tokens of one physical line and whether a comment starts on it (``'`` or ``Rem``)."""
    stripped = text.lstrip()
    if not stripped:
        return [], False
    if stripped[0] in "'\u2018\u2019":  # a comment line: the common case, decided without the lexer
        return [], True
    toks: list[Tok] = []
    pos = len(text) - len(stripped)
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:  # cannot happen: ``bad`` matches any character
            break
        kind = m.lastgroup or "bad"
        raw = m.group()
        end = m.end()
        if kind == "ws":
            pos = end
            continue
        if kind == "comment":
            return toks, True
        if kind == "ustr":
            toks.append(Tok("ustr", text[pos:], text[pos + 1 :], line))
            return toks, False
        if kind == "str":
            toks.append(Tok("str", raw, raw[1:-1].replace('""', '"'), line))
        elif kind == "id":
            if end < n and dialect == VB6:
                nxt = text[end + 1 : end + 2]
                suffix = text[end]
                if suffix in "$%@" or (suffix in "&!#" and not (nxt.isalnum() or nxt in '_"([')):
                    raw += suffix
                    end += 1
            up = raw.rstrip("$%&!#@").upper()
            if up == "REM" and (not toks or (toks[-1].kind == "op" and toks[-1].text == ":")):
                return toks, True
            toks.append(Tok("id", raw, up, line))
        elif kind == "br":
            toks.append(Tok("id", raw, raw[1:-1].upper(), line))
        else:
            toks.append(Tok(kind, raw, raw, line))
        pos = end
    return toks, False


# -- statements ---------------------------------------------------------------------------------
@dataclass(slots=True)
class Stmt:
    toks: list[Tok]
    line: int
    lines: tuple[int, ...]  # physical lines the statement spans
    single_if: bool = False


@dataclass(slots=True)
class _Lines:
    statements: list[Stmt]
    code: set[int]
    comment: set[int]
    labels: dict[int, list[str]]


def _is_op(t: Tok, text: str) -> bool:
    return t.kind == "op" and t.text == text


def _statements(pieces: Iterable[Piece], dialect: str) -> _Lines:
    """Logical lines split into statements; which physical lines hold code or only comments."""
    out: list[Stmt] = []
    code: set[int] = set()
    comment: set[int] = set()
    labels: dict[int, list[str]] = {}
    logical: list[Tok] = []
    lines: list[int] = []
    prev_block: int | None = None
    comment_continues = False

    def flush() -> None:
        if logical:
            _split_logical(logical, tuple(lines), out, labels)
        logical.clear()
        lines.clear()

    for piece in pieces:
        if piece.block != prev_block:
            flush()
            comment_continues = False
            prev_block = piece.block
        if comment_continues:
            if piece.text.strip():
                comment.add(piece.line)
            comment_continues = piece.text.rstrip().endswith(" _") or piece.text.strip() == "_"
            continue
        toks, has_comment = _lex(piece.text, piece.line, dialect)
        if has_comment:
            comment_continues = piece.text.rstrip().endswith(" _")
        continued = bool(toks) and toks[-1].kind == "id" and toks[-1].text == "_"
        if continued:
            toks.pop()
        if toks:
            code.add(piece.line)
            logical.extend(toks)
            lines.append(piece.line)
        elif has_comment:
            comment.add(piece.line)
        elif continued:
            code.add(piece.line)
            lines.append(piece.line)
        if not continued:
            flush()
    flush()
    return _Lines(out, code, comment - code, labels)


def _split_logical(toks: list[Tok], lines: tuple[int, ...], out: list[Stmt],
                   labels: dict[int, list[str]]) -> None:
    """Split one logical line at ``:`` into statements, after its label; a one-line If stays whole."""
    i = 0
    n = len(toks)
    if n and toks[0].kind == "num" and toks[0].text.isdigit():
        labels.setdefault(toks[0].line, []).append(toks[0].text)
        i = 1
    elif (n >= 2 and toks[0].kind == "id" and _is_op(toks[1], ":") and toks[0].up not in KEYWORDS):
        labels.setdefault(toks[0].line, []).append(toks[0].up)
        i = 2
    start = i
    last_then = next((j for j in range(n - 1, -1, -1) if toks[j].kind == "id" and toks[j].up == "THEN"), -1)
    while i < n:
        t = toks[i]
        if t.kind == "id" and t.up == "IF" and i == start and last_then > i:
            # the first THEN after this IF (found once: a line of many "If x :" stays linear)
            then = next(j for j in range(i + 1, last_then + 1) if toks[j].kind == "id" and toks[j].up == "THEN")
            if then + 1 < n and not _is_op(toks[then + 1], ":"):
                part = toks[start:]
                out.append(Stmt(part, part[0].line, _span(lines, part), single_if=True))
                return
        if _is_op(t, ":"):
            if i > start:
                part = toks[start:i]
                out.append(Stmt(part, part[0].line, _span(lines, part)))
            start = i + 1
        i += 1
    if start < n:
        part = toks[start:]
        out.append(Stmt(part, part[0].line, _span(lines, part)))


def _span(lines: tuple[int, ...], part: list[Tok]) -> tuple[int, ...]:
    """The physical lines (of the logical line's ``lines``, ascending) that ``part`` spans."""
    first, last = part[0].line, part[-1].line
    return lines[bisect.bisect_left(lines, first) : bisect.bisect_right(lines, last)] or (first,)


def _matching(toks: list[Tok]) -> tuple[list[int], bool]:
    """Index of the matching parenthesis for each ``(`` (-1 elsewhere) and whether they balance."""
    match = [-1] * len(toks)
    stack: list[int] = []
    ok = True
    for i, t in enumerate(toks):
        if t.kind == "op":
            if t.text == "(":
                stack.append(i)
            elif t.text == ")":
                if stack:
                    match[stack.pop()] = i
                else:
                    ok = False
    return match, ok and not stack


# -- SQL in strings -----------------------------------------------------------------------------
_SQL_START = re.compile(r"^\s*\(?\s*(SELECT|INSERT|UPDATE|DELETE|MERGE|WITH|TRUNCATE|EXECUTE|EXEC|CALL|\{)",
                        re.IGNORECASE)
# SQL in a SQL context (an ADO/DAO/RDO method or property, a variable named like sql): the verb
# with the words that make it a statement.
_SQL_SHAPE = re.compile(
    r"^\s*\(?\s*(?:SELECT\b[\s\S]*\bFROM\b|SELECT\s+@@|INSERT\s+INTO\b|UPDATE\s+\S+\s+SET\b"
    r"|DELETE\s+(?:[\w.\[\]\"]*\*\s+)?FROM\b|DELETE\s+\S+\s+WHERE\b|DELETE\s+[\w.\[\]\"]+\s*$|MERGE\s+INTO\b"
    r"|TRUNCATE\s+TABLE\b|WITH\s+\w+\s+AS\s*\(|EXEC(?:UTE)?\s+[\w\[]|\{\s*\??\s*=?\s*CALL\b)",
    re.IGNORECASE,
)
# SQL anywhere else (a literal passed to a helper function): only shapes prose never takes.
_STRONG_SQL = re.compile(
    r"^\s*\(?\s*(?:INSERT\s+INTO\s+[\w.\[\]\"]+\s*(?:\(|VALUES\b|SELECT\b)"
    r"|UPDATE\s+[\w.\[\]\"]+\s+SET\s+[\w.\[\]\"]+\s*="
    r"|DELETE\s+(?:[\w.\[\]\"]*\*\s+)?FROM\s+[\w.\[\]\"]+\s*(?:WHERE\b|$)"
    r"|TRUNCATE\s+TABLE\s+[\w\[\"]"
    r"|EXEC(?:UTE)?\s+[\w.\[\]]+\s*(?:@|'|\d|,|$|" + _MARK + r")"
    r"|\{\s*\??\s*=?\s*CALL\s+\w)",
    re.IGNORECASE,
)
_PROC_CALL = re.compile(r"(?:\bEXEC(?:UTE)?\s+(?:@\w+\s*=\s*)?|\{\s*\??\s*=?\s*CALL\s+)([\w.\[\]\"$#@]+)",
                        re.IGNORECASE)
_BARE_NAME = re.compile(r"^\s*(?:[\w$#@]+|\[[^\]]+\])(?:\.(?:[\w$#@]+|\[[^\]]+\])){0,2}\s*$")
_NOT_TABLES = frozenset({"GET", "POST", "PUT", "HEAD", "DELETE", "PATCH", "OPTIONS", "PROPFIND"})
_FILE_SUFFIX = re.compile(r"\.(?:xlsx?|xlsm|mdb|accdb|txt|csv|docx?|xml|html?|asp|ini|dat|log|dbf|udl|dsn)$",
                          re.IGNORECASE)
_BRACKETS = re.compile(r"\[([^\]\n]*)\]")
_DELETE_STAR = re.compile(r"^(\s*\(?\s*DELETE)\s+(?:[\w.\"]+\.)?\*\s+(FROM\b)", re.IGNORECASE)


_SELECT = re.compile(r"^\s*\(?\s*SELECT\s+", re.IGNORECASE)
_FROM = re.compile(r"\bFROM\s+[\w\[\"]", re.IGNORECASE)
_COLUMN_LIST = re.compile(r"[*,(.@]|\b(?:AS|TOP|DISTINCT)\b", re.IGNORECASE)


def strong_sql(text: str) -> bool:
    """True for SQL whose shape prose never takes (a literal passed to anything, not only ADO).

    ``SELECT`` needs a column list that looks like one (``*``, commas, a function, ``AS``, or a single
    name) before ``FROM``: "Select one item from the list" is not SQL.
    """
    select = _SELECT.match(text)
    if select is None:
        return _STRONG_SQL.match(text) is not None
    frm = _FROM.search(text, select.end())
    if frm is None:
        return False
    columns = text[select.end() : frm.start()]
    return bool(columns.strip()) and (len(columns.split()) == 1 or _COLUMN_LIST.search(columns) is not None)


def sql_tables(sql: str) -> list[tuple[str, str]]:
    """(verb, TABLE) pairs of SQL text built by VB code.

    T-SQL/Access ``[names]`` and Access ``DELETE * FROM`` are understood; a name built at run time
    (it holds the marker of a non-literal part) is left out. Never raises.
    """
    text = _BRACKETS.sub(lambda m: '"' + m.group(1).replace('"', "") + '"', sql)
    text = _DELETE_STAR.sub(r"\1 \2", text)
    return [(verb, name) for verb, name in dml_tables(text) if _MARK not in name
            and not name.startswith(_NOT_TABLE_PREFIX)]


def _proc_name(raw: str) -> tuple[str, str]:
    """(PROCEDURE, schema) of a procedure name as written (``[dbo].[usp_Get]`` -> USP_GET, dbo)."""
    parts = [p.strip('[]" ') for p in re.split(r"\.(?![^\[]*\])", raw.strip()) if p.strip('[]" ')]
    if not parts:
        return "", ""
    return parts[-1].upper(), (parts[-2] if len(parts) > 1 else "")


def canonical_progid(progid: str) -> str:
    """The usual spelling of a well-known ProgID (they are case-insensitive), else the ProgID as written."""
    return _PROGID_CANON.get(progid.lower(), progid)


def is_known_com(progid: str) -> bool:
    """True for a ProgID or type of a well-known runtime or Office library (never a project class)."""
    return progid.lower() in _PROGID_CANON or progid.split(".", 1)[0].upper() in COM_LIBRARIES


def native_library(lib: str) -> str:
    """Name of the ``dll:`` node of ``Declare ... Lib "x"``: upper-case base name without ``.dll``."""
    base = re.split(r"[\\/]", lib.strip())[-1]
    if base.lower().endswith((".dll", ".drv", ".exe", ".ocx")):
        base = base[:-4]
    return base.upper()


# -- analysis -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Context:
    """What the extractor knows about the file before analysis."""

    path: str
    dialect: str  # VB6 | VBSCRIPT
    owner: str  # component id of the file's module, page or script
    prefix: str  # member-name prefix of its routines (``MODULE`` or the page path)
    file_scoped_members: bool = False  # class/form routines: not callable by bare name from elsewhere
    include_prefixes: tuple[str, ...] = ()  # ASP: member prefixes of the files it includes
    module_names: tuple[str, ...] = ()  # names that mean this module (``MODULE.X`` is an own call)
    # Module-level names the code does not declare, with their types: a form's controls (``txtName``,
    # ``VB.TextBox``; ``grdPay``, ``MyProject.ucGrid``).
    implicit_vars: tuple[tuple[str, str], ...] = ()


@dataclass
class OwnerStats:
    """Counts for one component (module, page, script or VBScript class)."""

    complexity: int = 1
    max_nesting: int = 0
    goto_count: int = 0
    on_error_resume_next: int = 0


@dataclass
class Result:
    definitions: list[Definition] = field(default_factory=list)
    references: dict[Reference, None] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    code_lines: set[int] = field(default_factory=set)
    comment_lines: set[int] = field(default_factory=set)
    unclassified: set[int] = field(default_factory=set)
    stats: dict[str, OwnerStats] = field(default_factory=dict)
    # VBScript classes: (component id, first line, last line); their lines count for them.
    classes: list[tuple[str, int, int]] = field(default_factory=list)
    # ASP Server.Execute / Server.Transfer: (what, page as written, line).
    page_calls: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class _StrVal:
    text: str
    line: int  # where the literal that starts the SQL is written
    used: bool = False


@dataclass
class _Routine:
    name: str  # upper case
    kind: str  # SUB FUNCTION PROPERTY
    line: int
    detail: str
    scope: str
    parent: str
    member: str  # the sub-definition's name
    locals: set[str] = field(default_factory=set)
    types: dict[str, str] = field(default_factory=dict)
    strings: dict[str, _StrVal] = field(default_factory=dict)
    stored_proc: bool = False


@dataclass
class _Block:
    kind: str  # IF SELECT FOR DO WHILE WITH
    line: int
    with_type: str = ""


@dataclass
class _Class:
    name: str
    cid: str
    line: int
    routines: set[str]
    vars: set[str]
    types: dict[str, str] = field(default_factory=dict)


_DECL_WORDS = frozenset({"DIM", "PUBLIC", "PRIVATE", "GLOBAL", "STATIC", "CONST", "REDIM", "PRESERVE",
                         "WITHEVENTS", "SHARED", "FRIEND"})
_FILE_WORDS = frozenset({"BINARY", "ACCESS", "READ", "WRITE", "SHARED", "APPEND", "OUTPUT", "RANDOM", "LEN",
                         "INPUT", "FOR", "LOCK", "AS", "LINE"})
_NEWLINE_CONSTANTS = frozenset({"VBCRLF", "VBCR", "VBLF", "VBNEWLINE", "VBTAB"})
_NOT_A_CALL_AFTER = frozenset({"IS", "GOTO", "GOSUB", "RESUME", "RAISEEVENT", "ERASE"})


class Analyser:
    """Walks the statements of one file; see the module docstring."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.res = Result()
        self.res.stats[ctx.owner] = OwnerStats()
        self.own_routines: set[str] = set()
        self.declares: set[str] = set()
        self.module_vars: set[str] = {name for name, _t in ctx.implicit_vars}
        self.module_types: dict[str, str] = {name: t for name, t in ctx.implicit_vars if t}
        self.module_strings: dict[str, _StrVal] = {}
        self.enum_names: set[str] = set()
        self.class_members: dict[str, tuple[set[str], set[str]]] = {}  # VBScript class -> (routines, vars)
        self.routine: _Routine | None = None
        self.cls: _Class | None = None
        self.blocks: list[_Block] = []
        self.depth = 0  # open blocks that nest (not With)
        self.with_types: list[str] = []  # type of each open With target ("" when unknown)
        self.type_block = ""  # TYPE or ENUM while inside one
        self.form_heads: set[str] = set()
        self.structure_reported = False

    # -- small helpers ----------------------------------------------------------------------
    @property
    def owner(self) -> str:
        return self.cls.cid if self.cls else self.ctx.owner

    def stats(self) -> OwnerStats:
        return self.res.stats.setdefault(self.owner, OwnerStats())

    def ref(self, kind: str, target_kind: str, target: str, line: int, via: str, *, detail: str = "",
            candidates: tuple[str, ...] = (), external: str = "", optional: bool = False,
            dynamic: bool = False) -> None:
        if target:
            r = Reference(self.owner, kind, target_kind, target, line, via, dynamic=dynamic, detail=detail,
                          candidates=candidates, external=external, optional=optional)
            self.res.references.setdefault(r, None)

    def diag(self, severity: str, code: str, message: str, line: int | None) -> None:
        self.res.diagnostics.append(Diagnostic(self.ctx.path, severity, code, message, line))

    def structure(self, message: str, line: int) -> None:
        """A block or routine end without its start: reported once per file, the statement unclassified."""
        if not self.structure_reported:
            self.structure_reported = True
            self.diag(WARNING, "VB-STRUCTURE", f"{message}; the statement is not classified (further ones in this "
                      "file are not reported)", line)

    # -- entry point ------------------------------------------------------------------------
    def run(self, pieces: list[Piece]) -> Result:
        lines = _statements(pieces, self.ctx.dialect)
        self.res.code_lines = lines.code
        self.res.comment_lines = lines.comment
        self._collect(lines.statements)
        for stmt in lines.statements:
            if not self._statement(stmt):
                self.res.unclassified.update(stmt.lines)
        last = max(lines.code | lines.comment | {1})
        if self.routine is not None:
            self.diag(WARNING, "VB-UNCLOSED", f"{self.routine.kind.title()} {self.routine.name} has no End "
                      f"{self.routine.kind.title()}; it runs to the end of the file", self.routine.line)
            self._end_routine(last)
        if self.cls is not None:
            self.diag(WARNING, "VB-UNCLOSED", f"Class {self.cls.name} has no End Class", self.cls.line)
            self._end_class(last)
        if self.blocks:
            b = self.blocks[0]
            self.diag(WARNING, "VB-UNCLOSED", f"{b.kind.title()} block opened here is never closed", b.line)
        self._flush_strings(self.module_strings)
        return self.res

    # -- pass 1 -----------------------------------------------------------------------------
    def _collect(self, statements: list[Stmt]) -> None:
        """The file's own routines, declared APIs, module variables and classes, before any call."""
        in_routine = False
        cls: str | None = None
        for stmt in statements:
            toks = stmt.toks
            words = [t.up for t in toks[:4] if t.kind == "id"]
            if not words or toks[0].kind != "id":
                continue
            if words[0] == "CLASS" and self.ctx.dialect == VBSCRIPT and len(toks) == 2 and not in_routine:
                cls = toks[1].up
                self.class_members[cls] = (set(), set())
                continue
            if words[:2] == ["END", "CLASS"]:
                cls = None
                continue
            head = _routine_head(toks)
            if head is not None:
                (self.class_members[cls][0] if cls is not None else self.own_routines).add(head[1])
                in_routine = True
                continue
            if words[0] == "END" and len(words) > 1 and words[1] in ("SUB", "FUNCTION", "PROPERTY"):
                in_routine = False
                continue
            if in_routine:
                continue
            if "DECLARE" in words[:3]:
                at = words.index("DECLARE")
                name = next((w for w in words[at + 1 :] if w not in ("PTRSAFE", "SUB", "FUNCTION")), "")
                if name:
                    self.declares.add(name)
            elif words[0] in _DECL_WORDS:
                for name, _type, _new, _line in _declared(toks):
                    (self.class_members[cls][1] if cls is not None else self.module_vars).add(name)

    # -- pass 2: one statement --------------------------------------------------------------
    def _statement(self, stmt: Stmt) -> bool:
        """Analyse one statement; False when it cannot be classified."""
        toks = stmt.toks
        match, balanced = _matching(toks)
        if not balanced or any(t.kind in ("bad", "ustr") for t in toks):
            self._scan(toks, stmt, match)  # still look for calls and SQL in what can be read
            return False
        first = toks[0]
        if first.kind == "op" and first.text == "#":  # #If/#Else/#End If/#Const: both branches are read
            return len(toks) > 1 and toks[1].kind == "id" and toks[1].up in ("IF", "ELSEIF", "ELSE", "END", "CONST",
                                                                             "ENDIF")
        if self.type_block:
            return self._in_type_block(toks)
        if first.kind == "op" and first.text in (".", "!"):  # .Member / !Field inside a With block
            return self._expression_statement(toks, match, stmt)
        if first.kind != "id":
            return False
        if stmt.single_if:
            return self._single_if(stmt)
        # "property = Split(x)": VBScript lets many keywords be variable names; an assignment is one.
        assigns = len(toks) > 2 and _is_op(toks[1], "=") and first.up not in ("SET", "LET", "CONST", "FOR")
        handler = None if assigns else _HANDLERS.get(first.up)
        if handler is not None and not (first.up in self.own_routines and handler in _STATEMENT_BUILTINS):
            return handler(self, toks, match, stmt)
        if first.up in KEYWORDS and first.up != "ME" and not assigns:
            return False
        return self._expression_statement(toks, match, stmt)

    def _in_type_block(self, toks: list[Tok]) -> bool:
        if toks[0].kind == "id" and toks[0].up == "END" and len(toks) > 1 and toks[1].up == self.type_block:
            self.type_block = ""
            return True
        if toks[0].kind == "id" and self.type_block == "ENUM":
            self.enum_names.add(toks[0].up)
        return toks[0].kind == "id"

    # -- declarations -----------------------------------------------------------------------
    def _declaration(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        """Dim/Public/Private/Global/Static/Const, and routine, Declare, Event, Type and Enum heads."""
        head = _routine_head(toks)
        if head is not None:
            return self._begin_routine(toks, head, stmt)
        words = [t.up for t in toks if t.kind == "id"]
        if "DECLARE" in words[:3]:
            return self._declare(toks, stmt)
        if "EVENT" in words[:2]:
            return True
        if "TYPE" in words[:2] or "ENUM" in words[:2]:
            self.type_block = "TYPE" if "TYPE" in words[:2] else "ENUM"
            return len(words) >= 2
        if words[0] not in _DECL_WORDS:
            return False
        for name, type_name, is_new, line in _declared(toks):
            self._bind(name, type_name)
            if is_new:
                self._new(type_name, line)
        if "CONST" in words[:3]:
            eq = next((i for i, t in enumerate(toks) if _is_op(t, "=")), -1)
            if eq > 0 and toks[eq - 1].kind == "id":
                self._assign_string(toks[eq - 1].up, toks[eq + 1 :])
        self._scan_expressions(toks, match, stmt, declaration=True)
        return True

    def _bind(self, name: str, type_name: str) -> None:
        if self.routine is not None:
            self.routine.locals.add(name)
            if type_name:
                self.routine.types[name] = type_name
        elif self.cls is not None:
            self.cls.vars.add(name)
            if type_name:
                self.cls.types[name] = type_name
        else:
            self.module_vars.add(name)
            if type_name:
                self.module_types[name] = type_name

    def _declare(self, toks: list[Tok], stmt: Stmt) -> bool:
        at = next(k for k, t in enumerate(toks) if t.kind == "id" and t.up == "DECLARE")
        rest = toks[at + 1 :]
        names = [t for t in rest[:3] if t.kind == "id" and t.up not in ("PTRSAFE", "SUB", "FUNCTION")]
        lib = next((k for k, t in enumerate(rest) if t.kind == "id" and t.up == "LIB"), -1)
        if not names or lib < 0 or lib + 1 >= len(rest) or rest[lib + 1].kind != "str":
            return False
        dll = native_library(rest[lib + 1].up)
        alias = ""
        if lib + 3 < len(rest) and rest[lib + 2].up == "ALIAS" and rest[lib + 3].kind == "str":
            alias = f" (alias {rest[lib + 3].up})"
        if dll:
            self.ref("uses-native", "dll", dll, stmt.line, "declare", detail=f"Declare {names[0].text}{alias}",
                     external=f"dll:{dll}")
        return bool(dll)

    def _begin_routine(self, toks: list[Tok], head: tuple[str, str, str, int], stmt: Stmt) -> bool:
        kind, name, modifiers, after = head
        ok = True
        if self.routine is not None:
            self.structure(f"{kind.title()} {name} starts inside {self.routine.name}", stmt.line)
            self._end_routine(stmt.line - 1)
            ok = False
        scoped = "PRIVATE" in modifiers.split() or self.ctx.file_scoped_members or self.cls is not None
        if self.cls is not None:
            member, parent = f"{self.cls.name}.{name}", self.cls.cid
        else:
            member, parent = f"{self.ctx.prefix}.{name}", self.ctx.owner
        detail = " ".join(w.title() for w in modifiers.split())
        self.routine = _Routine(name, kind, stmt.line, detail, "file" if scoped else "", parent, member)
        self._drop_blocks(0)
        for pname, ptype, _new, _line in _params(toks[after:]):
            self.routine.locals.add(pname)
            if ptype:
                self.routine.types[pname] = ptype
        return ok

    def _end_routine(self, end_line: int) -> None:
        r = self.routine
        if r is None:
            return
        self._flush_strings(r.strings)
        self.res.definitions.append(Definition("routine", r.member, r.line, max(end_line, r.line), r.parent,
                                               r.detail, scope=r.scope))
        self.routine = None
        self._drop_blocks(0)

    def _end_class(self, end_line: int) -> None:
        c = self.cls
        if c is None:
            return
        self.res.classes.append((c.cid, c.line, max(end_line, c.line)))
        self.res.definitions.append(Definition("class", c.name, c.line, max(end_line, c.line),
                                               detail="VBScript class", id=c.cid))
        self.cls = None

    # -- blocks -----------------------------------------------------------------------------
    def _open(self, kind: str, line: int, with_type: str = "") -> None:
        self.blocks.append(_Block(kind, line, with_type))
        if kind != "WITH":
            self.depth += 1
            st = self.stats()
            st.max_nesting = max(st.max_nesting, self.depth)
        else:
            self.with_types.append(with_type)

    def _drop_blocks(self, i: int) -> None:
        """Close ``blocks[i:]`` (amortised O(1) per block)."""
        for b in self.blocks[i:]:
            if b.kind == "WITH":
                self.with_types.pop()
            else:
                self.depth -= 1
        del self.blocks[i:]

    def _close(self, kind: str, stmt: Stmt) -> bool:
        for i in range(len(self.blocks) - 1, -1, -1):
            if self.blocks[i].kind == kind:
                if i != len(self.blocks) - 1:
                    inner = self.blocks[i + 1]
                    self.diag(WARNING, "VB-UNCLOSED", f"{inner.kind.title()} block is closed by the end of an "
                              f"outer {kind.title()}", inner.line)
                self._drop_blocks(i)
                return True
        self.structure(f"'{' '.join(t.text for t in stmt.toks[:2])}' without a matching {kind.title()}", stmt.line)
        return False

    def _decision(self, cond: list[Tok], stmt: Stmt, match: list[int] | None = None) -> None:
        """A decision point (+1) and its And/Or terms; the condition's calls."""
        self.stats().complexity += 1 + sum(1 for t in cond if t.kind == "id" and t.up in ("AND", "OR", "ANDALSO",
                                                                                          "ORELSE"))
        self._scan(cond, stmt)

    # -- handlers ---------------------------------------------------------------------------
    def _h_end(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        what = toks[1].up if len(toks) > 1 and toks[1].kind == "id" else ""
        if not what:
            return len(toks) == 1  # End: stops the program
        if what in ("SUB", "FUNCTION", "PROPERTY"):
            if self.routine is None:
                self.structure(f"End {what.title()} outside a routine", stmt.line)
                return False
            if self.blocks:
                self.diag(WARNING, "VB-UNCLOSED", f"{self.blocks[0].kind.title()} block in {self.routine.name} is "
                          "never closed", self.blocks[0].line)
            self._end_routine(stmt.lines[-1])
            return True
        if what == "CLASS":
            if self.cls is None or self.routine is not None:
                self.structure("End Class outside a class", stmt.line)
                return False
            self._end_class(stmt.lines[-1])
            return True
        if what in ("IF", "SELECT", "WITH"):
            return self._close(what, stmt)
        return what in ("TYPE", "ENUM")  # a stray End Type: harmless

    def _h_endif(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        return self._close("IF", stmt)

    def _h_if(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        then = _find(toks, "THEN")
        self._decision(toks[1:then] if then > 0 else toks[1:], stmt)
        if then < 0:
            return False
        self._open("IF", stmt.line)
        return True

    def _h_elseif(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        then = _find(toks, "THEN")
        self._decision(toks[1:then] if then > 0 else toks[1:], stmt)
        return then > 0 and bool(self.blocks) and self.blocks[-1].kind == "IF"

    def _h_else(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        if len(toks) > 1 and toks[1].kind == "id" and toks[1].up == "IF":  # "Else If c Then" on one line
            then = _find(toks, "THEN")
            self._decision(toks[2:then] if then > 0 else toks[2:], stmt)
            return then > 0 and bool(self.blocks) and self.blocks[-1].kind == "IF"
        return len(toks) == 1 and bool(self.blocks) and self.blocks[-1].kind == "IF"

    def _single_if(self, stmt: Stmt) -> bool:
        """``If c Then a: b Else d``: one decision, no nesting; the parts are statements of their own."""
        toks = stmt.toks
        then = _find(toks, "THEN")
        self._decision(toks[1:then], stmt)
        ok = True
        part: list[Tok] = []
        for t in [*toks[then + 1 :], Tok("op", ":", ":", toks[-1].line)]:
            if _is_op(t, ":") or (t.kind == "id" and t.up == "ELSE" and not (part and part[0].up == "IF")):
                if part and part[0].kind == "num":  # If x Then 100: an implicit GoTo a line number
                    self.stats().goto_count += 1
                elif part:
                    inner = _make_stmt(part, stmt.lines)
                    ok = self._statement(inner) and ok
                part = []
                continue
            part.append(t)
        return ok

    def _h_select(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        if len(toks) < 3 or toks[1].up != "CASE":
            return False
        self._scan(toks[2:], stmt)
        self._open("SELECT", stmt.line)
        return True

    def _h_case(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        if not (len(toks) == 2 and toks[1].kind == "id" and toks[1].up == "ELSE"):
            self.stats().complexity += 1
            self._scan(toks[1:], stmt)
        return len(toks) > 1 and bool(self.blocks) and self.blocks[-1].kind == "SELECT"

    def _h_for(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        self.stats().complexity += 1
        body = toks[2:] if len(toks) > 1 and toks[1].up == "EACH" else toks[1:]
        if not body or body[0].kind != "id":
            return False
        if not self._known_local(body[0].up):
            self._bind(body[0].up, "")
        self._scan(body[1:], stmt)
        self._open("FOR", stmt.line)
        return True

    def _h_next(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        ok = True
        for _ in range(max(1, sum(1 for t in toks[1:] if t.kind == "id"))):  # "Next j, i" closes two loops
            ok = self._close("FOR", stmt) and ok
        return ok

    def _h_do(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        if len(toks) > 1:
            if toks[1].up not in ("WHILE", "UNTIL"):
                return False
            self._decision(toks[2:], stmt)
        self._open("DO", stmt.line)
        return True

    def _h_loop(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        if len(toks) > 1:
            if toks[1].up not in ("WHILE", "UNTIL"):
                return False
            self._decision(toks[2:], stmt)
        return self._close("DO", stmt)

    def _h_while(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        self._decision(toks[1:], stmt)
        self._open("WHILE", stmt.line)
        return len(toks) > 1

    def _h_wend(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        return self._close("WHILE", stmt)

    def _h_with(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        body = toks[1:]
        with_type = ""
        if body and body[0].kind == "id" and body[0].up == "NEW":
            with_type = _dotted(body[1:])
            self._new(with_type, stmt.line)
        else:
            self._scan(body, stmt)
            if len(body) == 1 and body[0].kind == "id":
                with_type = self._type_of(body[0].up)
        self._open("WITH", stmt.line, with_type)
        return bool(body)

    def _h_exit(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        return len(toks) == 2 and toks[1].up in ("SUB", "FUNCTION", "PROPERTY", "DO", "FOR", "WHILE", "SELECT")

    def _h_goto(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        self.stats().goto_count += 1
        return len(toks) == 2

    def _h_on(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        words = [t.up for t in toks[1:5] if t.kind == "id"]
        if words[:1] == ["LOCAL"]:
            words = words[1:]
        if words[:1] == ["ERROR"]:
            if words[1:2] == ["RESUME"]:
                self.stats().on_error_resume_next += 1
            return len(words) >= 2
        goto = next((i for i, t in enumerate(toks) if t.kind == "id" and t.up in ("GOTO", "GOSUB")), -1)
        if goto < 0:
            return False
        self.stats().goto_count += 1  # On x GoTo a, b, c: one computed jump
        self._scan(toks[1:goto], stmt)
        return True

    def _h_plain(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        """Option, Return, Resume, Stop, Erase, DefXxx, Attribute: no calls of interest."""
        return True

    def _h_raiseevent(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        self._scan_expressions(toks, match, stmt, skip=1)
        return len(toks) > 1

    def _h_implements(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        name = _dotted(toks[1:])
        if not name:
            return False
        if "." in name and is_known_com(name):
            progid = canonical_progid(name)
            self.ref("implements", "com", progid, stmt.line, "implements", external=f"com:{progid}")
        else:
            self.ref("implements", "class", name.rsplit(".", 1)[-1].upper(), stmt.line, "implements",
                     external=f"com:{name}" if "." in name else "")
        return True

    def _h_call(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        if len(toks) > 2 and _is_op(toks[1], ".") and toks[2].kind == "id":  # Call .Method x inside With
            self._with_member(toks[2].up, stmt.line)
        elif len(toks) < 2 or toks[1].kind != "id":
            return False
        else:
            chain = _chain(toks, 1, match)
            self._server_page_call(chain, toks, stmt)
            self._designator(chain, stmt.line, "call-statement", True)
        self._scan_expressions(toks, match, stmt, skip=1)
        self._sql(toks, match, stmt)
        return True

    def _h_set(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        rest = toks[1:]
        return self._expression_statement(rest, _matching(rest)[0], stmt, is_set=toks[0].up == "SET")

    def _h_class(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        if self.ctx.dialect != VBSCRIPT or len(toks) != 2 or toks[1].kind != "id":
            return False
        if self.cls is not None or self.routine is not None:
            self.structure("Class inside a class or routine", stmt.line)
            return False
        routines, variables = self.class_members.get(toks[1].up, (set(), set()))
        self.cls = _Class(toks[1].text, f"vb:{toks[1].up}", stmt.line, routines, set(variables))
        self.cls.name = toks[1].up
        self.res.stats[self.cls.cid] = OwnerStats()
        return True

    def _h_redim(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        for name, type_name, _new, _line in _declared(toks):
            if not self._known_local(name) and not self._class_var(name):
                self._bind(name, type_name)
        self._scan_expressions(toks, match, stmt, declaration=True)
        return len(toks) > 1

    def _h_file_io(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        """Open/Close/Print #/Input #/Line Input/Get/Put/Write #/Seek/Lock/Unlock/Name/LSet/RSet."""
        self._scan_expressions(toks, match, stmt, skip=0, extra_words=_FILE_WORDS)
        return True

    def _h_load(self, toks: list[Tok], match: list[int], stmt: Stmt) -> bool:
        """``Load frmX`` / ``Unload frmX``: a dependency on a form."""
        if len(toks) >= 2 and toks[1].kind == "id" and self.ctx.dialect == VB6:
            name = toks[1].up
            if not (self._known_local(name) or name == "ME" or name in self.own_routines):
                self._form_ref(name, stmt.line)
        self._scan_expressions(toks, match, stmt, skip=1)
        return len(toks) > 1

    # -- statements with expressions --------------------------------------------------------
    def _expression_statement(self, toks: list[Tok], match: list[int], stmt: Stmt, is_set: bool = False) -> bool:
        """``target = expr``, or a call ``target args`` with or without parentheses."""
        if not toks:
            return False
        end = _designator_end(toks, 0, match)
        if end == 0:
            return False
        if end < len(toks) and _is_op(toks[end], "="):
            if end + 1 >= len(toks):
                return False
            self._assignment(toks, end, match, stmt, is_set)
            return True
        if is_set:
            return False
        if _is_op(toks[0], "."):
            self._with_member(toks[1].up, stmt.line)
        elif not _is_op(toks[0], "!"):
            chain = _chain(toks, 0, match)
            self._server_page_call(chain, toks, stmt)
            self._designator(chain, stmt.line, "call-statement", True)
        self._scan_expressions(toks, match, stmt, skip=0)
        self._sql(toks, match, stmt)
        return True

    def _assignment(self, toks: list[Tok], eq: int, match: list[int], stmt: Stmt, is_set: bool) -> None:
        lhs, rhs = toks[:eq], toks[eq + 1 :]
        if len(lhs) == 1 and lhs[0].kind == "id":
            name = lhs[0].up
            if not (self._known_local(name) or self._class_var(name) or name in self.own_routines
                    or (self.routine is not None and name == self.routine.name)):
                self._bind(name, "")  # an implicitly declared variable (no Option Explicit)
            if is_set:
                self._set_type(name, rhs)
            self._scan_expressions(toks, match, stmt, skip=0)
            if not self._assign_string(name, rhs):
                self._sql(rhs, _matching(rhs)[0], stmt)
            return
        member = _last_member(lhs)
        if member == "COMMANDTYPE" and self.routine is not None and any(
                t.up in ("ADCMDSTOREDPROC", "4") for t in rhs):
            self.routine.stored_proc = True
        if _is_op(lhs[0], "."):
            if len(lhs) > 1 and lhs[1].kind == "id":
                self._with_member(lhs[1].up, stmt.line)
        elif len(_chain(lhs, 0, match)) > 1:
            self._designator(_chain(lhs, 0, match), stmt.line, "property-let", False)
        self._scan_expressions(toks, match, stmt, skip=0)
        self._sql(toks, match, stmt)

    def _set_type(self, name: str, rhs: list[Tok]) -> None:
        """``Set x = New C`` / ``CreateObject(...)`` types ``x`` unless it is declared with a class type (an
        interface variable keeps its interface: ``Dim p As IPayable: Set p = New clsContractor``)."""
        declared = self._type_of(name)
        if declared and declared.upper() not in ("OBJECT", "VARIANT") and not declared.startswith("com:"):
            return
        if rhs[0].kind == "id" and rhs[0].up == "NEW":
            self._bind_type(name, _dotted(rhs[1:]))
            return
        chain = _chain(rhs, 0, _matching(rhs)[0])
        if chain and chain[-1] == "CREATEOBJECT":
            lit = next((t for t in rhs if t.kind == "str"), None)
            if lit is not None:
                self._bind_type(name, "com:" + lit.up)

    def _bind_type(self, name: str, type_name: str) -> None:
        if not type_name:
            return
        if self.routine is not None and (name in self.routine.locals or name not in self.module_vars):
            self.routine.locals.add(name)
            self.routine.types[name] = type_name
        elif self.cls is not None and name in self.cls.vars:
            self.cls.types[name] = type_name
        else:
            self.module_types[name] = type_name

    def _type_of(self, name: str) -> str:
        if self.routine is not None and name in self.routine.locals:
            return self.routine.types.get(name, "")
        if self.cls is not None and name in self.cls.vars:
            return self.cls.types.get(name, "")
        return self.module_types.get(name, "")

    def _known_local(self, name: str) -> bool:
        if self.routine is not None and name in self.routine.locals:
            return True
        return name in self.module_vars or name in self.enum_names

    def _class_var(self, name: str) -> bool:
        return self.cls is not None and name in self.cls.vars

    # -- calls ------------------------------------------------------------------------------
    def _designator(self, chain: list[str], line: int, via: str, definite: bool, raw: str = "") -> None:
        """A designator used as a call: ``Foo``, ``Foo(x)``, ``Module.Foo``, ``obj.Method``, ``Me.X``."""
        if not chain:
            return
        head = chain[0]
        if len(chain) == 1:
            self._call(head, line, via, definite, raw)
            return
        member = chain[1]
        if head == "ME":
            self._own_member(member, line, "me-call")
            return
        if head in KEYWORDS:
            return
        type_name = self._type_of(head)
        if type_name:
            self._typed_member(type_name, member, line)
            return
        if self._known_local(head) or self._class_var(head) or head in BUILTIN_OBJECTS:
            return
        if head in self.own_routines or (self.cls is not None and head in self.cls.routines):
            self._call(head, line, via, True)  # a function that returns an object
            return
        if head in self.ctx.module_names:
            self._own_member(member, line, "qualified-call")
            return
        if head in BUILTIN_FUNCTIONS or head in self.declares:
            return
        if self.ctx.dialect != VB6:
            return  # VBScript has no modules: an unknown head is an object (a global of an included page)
        # Module.Routine, Form.Method or a global object's method: a guess that counts only if it resolves.
        self.ref("calls", "routine", f"{head}.{member}", line, "qualified-call", optional=True)
        self._form_ref(head, line)

    def _own_member(self, member: str, line: int, via: str) -> None:
        if self.cls is not None and member in self.cls.routines:
            self.ref("calls", "routine", f"{self.cls.name}.{member}", line, via)
        elif member in self.own_routines:
            self.ref("calls", "routine", f"{self.ctx.prefix}.{member}", line, via)

    def _typed_member(self, type_name: str, member: str, line: int) -> None:
        cls = "" if type_name.startswith("com:") else _class_of_type(type_name)
        if cls:
            self.ref("calls", "routine", f"{cls}.{member}", line, "object-call", optional=True)

    def _form_ref(self, name: str, line: int) -> None:
        if name not in self.form_heads and name not in BUILTIN_OBJECTS and name not in KEYWORDS:
            self.form_heads.add(name)
            self.ref("calls", "form", name, line, "form-reference", optional=True)

    def _call(self, name: str, line: int, via: str, definite: bool, raw: str = "") -> None:
        """A bare name used as a call: own routine, builtin, local, or a routine elsewhere."""
        if name in KEYWORDS or self._known_local(name) or name in self.declares or self._class_var(name):
            return
        if self.routine is not None and name == self.routine.name and not definite:
            return  # a function's own name inside it is its return value
        if self.cls is not None and name in self.cls.routines:
            self.ref("calls", "routine", f"{self.cls.name}.{name}", line, via)
            return
        if name in self.own_routines:
            self.ref("calls", "routine", f"{self.ctx.prefix}.{name}", line, via)
            return
        if name in BUILTIN_FUNCTIONS or name in BUILTIN_OBJECTS or (name in BUILTIN_TYPES and not definite):
            return
        if self.ctx.file_scoped_members and name in FORM_METHODS:
            return  # Show, PopupMenu ... of the form or control this code belongs to
        if not definite and raw and _CONSTANT_PREFIX.match(raw):
            return
        candidates = tuple(f"{p}.{name}" for p in self.ctx.include_prefixes)
        self.ref("calls", "routine", name, line, via, candidates=candidates, optional=not definite)

    def _with_member(self, member: str, line: int) -> None:
        with_type = self.with_types[-1] if self.with_types else ""
        if with_type:
            self._typed_member(with_type, member, line)

    def _server_page_call(self, chain: list[str], toks: list[Tok], stmt: Stmt) -> None:
        """ASP ``Server.Execute "x.asp"`` / ``Server.Transfer``: another page runs."""
        if self.ctx.dialect == VBSCRIPT and chain[:1] == ["SERVER"] and chain[1:2] in (["EXECUTE"], ["TRANSFER"]):
            lit = next((t for t in toks if t.kind == "str"), None)
            if lit is not None and lit.up.strip():
                self.res.page_calls.append((chain[1].lower(), lit.up.strip(), stmt.line))

    def _new(self, type_name: str, line: int) -> None:
        """``New X``: a COM class of a type library, or a class of the project."""
        if not type_name:
            return
        up = type_name.upper()
        if "." in type_name:
            lib, _, last = type_name.rpartition(".")
            if lib.upper() in ("VBA", "VB", "STDOLE") or up == "VBSCRIPT.REGEXP":
                return
            if is_known_com(type_name):
                progid = canonical_progid(type_name)
                self.ref("uses-com", "com", progid, line, "new", external=f"com:{progid}")
            else:
                self.ref("uses-com", "class", last.upper(), line, "new", external=f"com:{type_name}")
            return
        if up in _VB_CLASSES:
            return
        short = _SHORT_COM.get(up)
        if short is not None:
            self.ref("uses-com", "com", short, line, "new", external=f"com:{short}")
        elif up not in BUILTIN_TYPES:
            # A form is a class that can be instantiated too (Dim f As New frmEdit); the definition
            # has kind form, so the "frm" naming convention decides (see the README).
            self.ref("calls", "form" if self.ctx.dialect == VB6 and up.startswith("FRM") else "class", up, line,
                     "new")

    def _create_object(self, toks: list[Tok], k: int, match: list[int], line: int, fn: str) -> None:
        """``CreateObject("Prog.Id")`` / ``GetObject(, "Prog.Id")`` with its ``(`` at ``toks[k]``."""
        end = match[k] if 0 <= k < len(match) else -1
        args = toks[k + 1 : end] if end > k else []
        if not args:
            return
        progid = ""
        if fn == "GETOBJECT":
            comma = next((i for i, t in enumerate(args) if _is_op(t, ",")), -1)
            if comma >= 0 and comma + 1 < len(args) and args[comma + 1].kind == "str":
                progid = args[comma + 1].up
            elif args[0].kind == "str" and ":" in args[0].up:
                prefix = args[0].up.split(":", 1)[0]
                progid = prefix if len(prefix) > 1 else ""  # winmgmts:, LDAP:, WinNT: (not C:\...)
        elif args[0].kind == "str":
            progid = args[0].up
        elif args[0].kind == "id" and (len(args) == 1 or _is_op(args[1], ",")):
            self.ref("uses-com", "com", args[0].text, line, "create-object", dynamic=True,
                     detail="ProgID named at run time")
            return
        progid = progid.strip()
        if not progid or not re.fullmatch(r"[\w.\-{}]+", progid):
            return
        via = "get-object" if fn == "GETOBJECT" else "create-object"
        if "." in progid and not is_known_com(progid):
            # A ProgID of an ActiveX project in the scan (``MyLib.clsOrder``) is that class.
            self.ref("uses-com", "class", progid.rsplit(".", 1)[-1].upper(), line, via, external=f"com:{progid}")
        else:
            canon = canonical_progid(progid)
            self.ref("uses-com", "com", canon, line, via, external=f"com:{canon}")

    def _scan(self, toks: list[Tok], stmt: Stmt, match: list[int] | None = None) -> None:
        """Calls and SQL in a bare expression (a condition, a Case list, a bad statement's tokens)."""
        if toks:
            m = match if match is not None else _matching(toks)[0]
            self._scan_expressions(toks, m, stmt)
            self._sql(toks, m, stmt)

    def _scan_expressions(self, toks: list[Tok], match: list[int], stmt: Stmt, skip: int = -1,
                          declaration: bool = False, extra_words: frozenset[str] = frozenset()) -> None:
        """Every designator in ``toks`` except the one at ``skip`` (the statement's callee or target):
        function calls, ``New``, ``CreateObject``, ``AddressOf``; ``IIf`` adds to complexity."""
        n = len(toks)
        i = 0
        after_as = False
        while i < n:
            t = toks[i]
            if t.kind != "id":
                after_as = False
                i += 1
                continue
            up = t.up
            prev = toks[i - 1] if i else None
            if prev is not None and prev.kind == "op" and prev.text in (".", "!"):
                i += 1
                continue
            if i + 1 < n and _is_op(toks[i + 1], ":="):
                i += 1  # a named argument
                continue
            if up == "AS":
                after_as = True
                i += 1
                continue
            if up == "NEW":
                name = _dotted(toks[i + 1 :])
                if not declaration:
                    self._new(name, t.line)
                i += 2 + 2 * name.count(".")
                continue
            if after_as or (prev is not None and prev.kind == "id" and prev.up in _NOT_A_CALL_AFTER):
                after_as = False
                i += 1
                continue
            if up == "ADDRESSOF" and i + 1 < n and toks[i + 1].kind == "id":
                self._call(toks[i + 1].up, t.line, "addressof", True)
                i += 2
                continue
            if up == "IIF" and i + 1 < n and _is_op(toks[i + 1], "("):
                self.stats().complexity += 1
            if i == skip or up in extra_words or (declaration and _declaration_name(toks, i)):
                i += 1
                continue
            chain = _chain(toks, i, match)
            if chain[-1] in ("CREATEOBJECT", "GETOBJECT"):
                paren = _last_paren(toks, i, match)
                if paren >= 0 and (len(chain) == 1 or chain[0] in ("SERVER", "WSCRIPT", "VBA", "INTERACTION")):
                    self._create_object(toks, paren, match, t.line, chain[-1])
                i += 1
                continue
            self._designator(chain, t.line, "call-expression", False, t.text)
            i += 1

    # -- SQL ------------------------------------------------------------------------------------
    def _strings(self) -> dict[str, _StrVal]:
        return self.routine.strings if self.routine is not None else self.module_strings

    def _string_of(self, name: str) -> _StrVal | None:
        if self.routine is not None:
            v = self.routine.strings.get(name)
            if v is not None or name in self.routine.locals:
                return v
        return self.module_strings.get(name)

    def _assign_string(self, name: str, rhs: list[Tok]) -> bool:
        """``name = <concatenation>``: remember its text. False when ``rhs`` is not a concatenation."""
        value = self._concat(rhs, 0, len(rhs), _matching(rhs)[0], name)
        store = self._strings()
        old = store.get(name) if self.routine is None or name in self.routine.strings else self._string_of(name)
        if value is None:
            store.pop(name, None)
            return False
        text, line = value
        if old is not None and not _appends(rhs, name) and not old.used:
            self._emit_remembered(name, old)  # overwritten before it was used
        store[name] = _StrVal(text, line)
        return True

    def _concat(self, toks: list[Tok], start: int, end: int, match: list[int],
                self_name: str = "") -> tuple[str, int] | None:
        """Text of a ``&``/``+`` concatenation of literals and remembered strings (other parts marked),
        and the line of the literal where SQL starts; None when it holds no text or is not a concatenation."""
        parts: list[str] = []
        sql_line = 0
        any_text = False
        i = start
        while i < end:
            t = toks[i]
            if t.kind == "str":
                parts.append(t.up)
                any_text = True
                if not sql_line and _SQL_START.match("".join(parts)):
                    sql_line = t.line
                i += 1
            elif t.kind == "id" and t.up in _NEWLINE_CONSTANTS:
                parts.append(" ")
                i += 1
            elif t.kind == "id":
                v = None if (i + 1 < end and _is_op(toks[i + 1], "(")) else self._string_of(t.up)
                if v is not None:
                    parts.append(v.text)
                    any_text = True
                    sql_line = sql_line or v.line
                    if t.up != self_name:
                        v.used = True
                    i += 1
                else:
                    parts.append(_MARK)
                    i = min(_chain_end(toks, i, match), end)
            elif _is_op(t, "(") and 0 <= match[i] < end:
                parts.append(_MARK)
                i = match[i] + 1
            elif t.kind in ("num", "date"):
                parts.append(_MARK)
                i += 1
            else:
                return None
            if i < end and toks[i].kind == "op" and toks[i].text in ("&", "+"):
                i += 1
                continue
            if i < end:
                return None  # not a pure concatenation (a comparison, more arguments)
        if not any_text:
            return None
        return "".join(parts), sql_line or toks[start].line

    def _sql(self, toks: list[Tok], match: list[int], stmt: Stmt) -> None:
        """SQL this statement uses: each concatenation of literals and remembered strings in it."""
        context = _sql_context(toks, self._type_of)
        if context == "-":
            return
        stored = any(t.kind == "id" and t.up == "ADCMDSTOREDPROC" for t in toks) or (
            self.routine is not None and self.routine.stored_proc)
        n = len(toks)
        i = 0
        while i < n:
            t = toks[i]
            after_member = i > 0 and toks[i - 1].kind == "op" and toks[i - 1].text in (".", "!")
            starts = t.kind == "str" or (t.kind == "id" and not after_member and self._string_of(t.up) is not None
                                         and not (i + 1 < n and _is_op(toks[i + 1], "(")))
            if not starts:
                i += 1
                continue
            end = _operand_run_end(toks, i, match)
            named = any(tk.kind == "id" and _SQL_NAMED.search(tk.up) is not None
                        and self._string_of(tk.up) is not None for tk in toks[i:end])
            value = self._concat(toks, i, end, match)
            if value is not None:
                self._sql_text(value[0], value[1], context, stored, named)
            i = max(end, i + 1)  # literals inside a call in the run stand for that call (marked), no more

    def _sql_text(self, text: str, line: int, context: str, stored: bool, named: bool) -> None:
        """Record the tables and procedures of ``text`` when it is SQL here."""
        if _MARK not in text and _BARE_NAME.match(text):
            name = text.strip()
            if not context or name.upper() in _NOT_TABLES or _FILE_SUFFIX.search(name):
                return
            if context in ("EXECUTE", "COMMANDTEXT") or stored:
                proc, schema = _proc_name(name)
                self.ref("calls", "procedure", proc, line, "ado-stored-proc",
                         detail=f"schema={schema}" if schema else "")
            elif context in ("OPEN", "OPENRECORDSET", "OPENRESULTSET", "SOURCE", "RECORDSOURCE", "ROWSOURCE"):
                self.ref("reads", "table", name.replace("[", "").replace("]", "").upper(), line, "ado-sql",
                         detail=f"{context.title()} of a table")
            return
        start = _SQL_START.match(text)
        if start is None:
            return
        if not (_SQL_SHAPE.match(text) if (context or named) else strong_sql(text)):
            return
        verb = start.group(1).upper()
        verb = "CALL" if verb == "{" else verb
        for access, table in sql_tables(text):
            self.ref(access, "table", table, line, "ado-sql", detail=f"SQL {verb}")
        for pm in _PROC_CALL.finditer(text):
            proc, schema = _proc_name(pm.group(1))
            if proc and _MARK not in proc and proc != "SP_EXECUTESQL":
                self.ref("calls", "procedure", proc, line, "ado-stored-proc",
                         detail=f"schema={schema}" if schema else "")

    def _emit_remembered(self, name: str, value: _StrVal) -> None:
        value.used = True
        self._sql_text(value.text, value.line, "", False, _SQL_NAMED.search(name) is not None)

    def _flush_strings(self, store: dict[str, _StrVal]) -> None:
        """Strings never used in a later statement: SQL only when the name or the shape says so."""
        for name, value in list(store.items()):
            if not value.used:
                self._emit_remembered(name, value)
        store.clear()


# -- token-level helpers -------------------------------------------------------------------------
def _find(toks: list[Tok], word: str) -> int:
    return next((i for i, t in enumerate(toks) if t.kind == "id" and t.up == word), -1)


def _make_stmt(part: list[Tok], lines: tuple[int, ...]) -> Stmt:
    """A statement from part of a one-line If (itself possibly a one-line If)."""
    single = False
    if part[0].kind == "id" and part[0].up == "IF":
        then = _find(part, "THEN")
        single = 0 < then < len(part) - 1
    return Stmt(part, part[0].line, lines, single_if=single)


def _sql_context(toks: list[Tok], type_of: Callable[[str], str]) -> str:
    """The ADO/DAO/RDO method or property (``EXECUTE``, ``COMMANDTEXT`` ...) the statement uses, if any;
    "-" when it runs another query language (WMI ``ExecQuery``).

    ``re.Execute`` on a RegExp and ``Server.Execute`` are not SQL.
    """
    for k in range(1, len(toks)):
        t = toks[k]
        if t.kind != "id" or not _is_op(toks[k - 1], "."):
            continue
        if t.up in _NOT_SQL_METHODS:
            return "-"
        if t.up not in _SQL_METHODS and t.up not in _SQL_PROPERTIES:
            continue
        receiver = toks[k - 2] if k >= 2 and toks[k - 2].kind == "id" else None
        if receiver is not None:
            if receiver.up in BUILTIN_OBJECTS:
                continue
            kind = type_of(receiver.up).upper()
            if kind.endswith("REGEXP") or kind.startswith(("COM:MSXML", "COM:MICROSOFT.XML", "COM:WINHTTP",
                                                           "COM:SCRIPTING", "COM:WSCRIPT")):
                continue
        return t.up
    return ""


def _routine_head(toks: list[Tok]) -> tuple[str, str, str, int] | None:
    """(SUB|FUNCTION|PROPERTY, NAME, modifiers, index after the name) of a routine's first line."""
    mods: list[str] = []
    i = 0
    n = len(toks)
    while i < n and toks[i].kind == "id" and toks[i].up in ("PUBLIC", "PRIVATE", "FRIEND", "STATIC", "GLOBAL",
                                                           "DEFAULT"):
        mods.append(toks[i].up)
        i += 1
    if i >= n or toks[i].kind != "id" or toks[i].up not in ("SUB", "FUNCTION", "PROPERTY"):
        return None
    kind = toks[i].up
    i += 1
    if kind == "PROPERTY":
        if i >= n or toks[i].up not in ("GET", "LET", "SET"):
            return None
        mods.append(f"PROPERTY {toks[i].up}")
        i += 1
    else:
        mods.append(kind)
    if i >= n or toks[i].kind != "id":
        return None
    return kind, toks[i].up, " ".join(mods), i + 1


def _params(toks: list[Tok]) -> list[tuple[str, str, bool, int]]:
    """(NAME, type, False, line) of a parameter list ``(ByVal a As T, Optional b = 1, c() As X)``."""
    out: list[tuple[str, str, bool, int]] = []
    depth = 0
    expect = False
    for i, t in enumerate(toks):
        if t.kind == "op" and t.text == "(":
            depth += 1
            if depth == 1:
                expect = True
        elif t.kind == "op" and t.text == ")":
            depth -= 1
            if depth <= 0:
                break
        elif t.kind == "op" and t.text == "," and depth == 1:
            expect = True
        elif depth == 1 and t.kind == "id" and t.up == "AS" and out:
            name, _type, _new, line = out[-1]
            out[-1] = (name, _dotted(toks[i + 1 :]), False, line)
        elif t.kind == "id" and depth == 1 and expect and t.up not in ("BYVAL", "BYREF", "OPTIONAL", "PARAMARRAY"):
            out.append((t.up, "", False, t.line))
            expect = False
    return out


def _declared(toks: list[Tok]) -> list[tuple[str, str, bool, int]]:
    """(NAME, type, As New?, line) of each variable or constant a declaration statement declares."""
    out: list[tuple[str, str, bool, int]] = []
    i = 0
    n = len(toks)
    while i < n and toks[i].kind == "id" and toks[i].up in _DECL_WORDS:
        i += 1
    depth = 0
    expect = True
    while i < n:
        t = toks[i]
        if t.kind == "op" and t.text == "(":
            depth += 1
        elif t.kind == "op" and t.text == ")":
            depth -= 1
        elif t.kind == "op" and t.text == "," and depth == 0:
            expect = True
        elif t.kind == "op" and t.text == "=" and depth == 0:
            expect = False
        elif t.kind == "id" and depth == 0 and t.up == "AS" and out:
            is_new = i + 1 < n and toks[i + 1].kind == "id" and toks[i + 1].up == "NEW"
            name, _type, _new, line = out[-1]
            out[-1] = (name, _dotted(toks[i + 2 if is_new else i + 1 :]), is_new, line)
            expect = False
        elif t.kind == "id" and depth == 0 and expect and t.up not in _DECL_WORDS:
            out.append((t.up, "", False, t.line))
            expect = False
        i += 1
    return out


def _declaration_name(toks: list[Tok], i: int) -> bool:
    """True when ``toks[i]`` is a name being declared, not part of an initialiser or array bound."""
    depth = 0
    for k in range(i - 1, -1, -1):
        t = toks[k]
        if t.kind == "op" and t.text == ")":
            depth += 1
        elif t.kind == "op" and t.text == "(":
            if depth == 0:
                return False
            depth -= 1
        elif depth == 0 and t.kind == "op" and t.text in ("=", "&", "+", "-", "*", "/"):
            return False
        elif depth == 0 and ((t.kind == "op" and t.text == ",") or (t.kind == "id" and t.up in _DECL_WORDS)):
            return True
    return False


def _dotted(toks: list[Tok]) -> str:
    """``A.B.C`` at the start of ``toks`` as written (brackets and type suffixes dropped)."""
    parts: list[str] = []
    i = 0
    while i < len(toks) and toks[i].kind == "id":
        parts.append(toks[i].text.strip("[]").rstrip("$%&!#@"))
        if i + 2 < len(toks) and _is_op(toks[i + 1], ".") and toks[i + 2].kind == "id":
            i += 2
            continue
        break
    return ".".join(parts)


def _chain(toks: list[Tok], i: int, match: list[int]) -> list[str]:
    """Upper-case names of the designator ``a(x).b.c(y)`` that starts at ``toks[i]``; ``rs!F`` ends it."""
    if i >= len(toks) or toks[i].kind != "id":
        return []
    names = [toks[i].up]
    j = i + 1
    n = len(toks)
    while j < n:
        t = toks[j]
        if _is_op(t, "(") and match[j] > j:
            j = match[j] + 1
        elif _is_op(t, ".") and j + 1 < n and toks[j + 1].kind == "id":
            names.append(toks[j + 1].up)
            j += 2
        else:
            break
    return names


def _chain_end(toks: list[Tok], i: int, match: list[int]) -> int:
    """Index after the designator that starts at ``toks[i]`` (members, bang lookups, argument lists)."""
    j = i + 1
    n = len(toks)
    while j < n:
        t = toks[j]
        if _is_op(t, "(") and match[j] > j:
            j = match[j] + 1
        elif t.kind == "op" and t.text in (".", "!") and j + 1 < n and toks[j + 1].kind == "id":
            j += 2
        else:
            break
    return j


def _last_paren(toks: list[Tok], i: int, match: list[int]) -> int:
    """Index of the ``(`` that follows the last name of the designator starting at ``i``, or -1."""
    j = i + 1
    last = -1
    n = len(toks)
    while j < n:
        t = toks[j]
        if _is_op(t, "(") and match[j] > j:
            last = j
            j = match[j] + 1
        elif _is_op(t, ".") and j + 1 < n and toks[j + 1].kind == "id":
            last = -1
            j += 2
        else:
            break
    return last


def _designator_end(toks: list[Tok], i: int, match: list[int]) -> int:
    """End of the statement's leading designator (``.x``, ``!x``, ``a.b(1).c``), or ``i`` when there is none."""
    j = i + 1 if i < len(toks) and toks[i].kind == "op" and toks[i].text in (".", "!") else i
    if j >= len(toks) or toks[j].kind != "id":
        return i
    return _chain_end(toks, j, match)


def _last_member(toks: list[Tok]) -> str:
    """Name after the last top-level ``.`` of an assignment target (``rs.Source``, ``.CommandText``)."""
    last = ""
    depth = 0
    for k, t in enumerate(toks):
        if _is_op(t, "("):
            depth += 1
        elif _is_op(t, ")"):
            depth -= 1
        elif depth == 0 and t.kind == "id" and k and _is_op(toks[k - 1], "."):
            last = t.up
    return last


def _operand_run_end(toks: list[Tok], i: int, match: list[int]) -> int:
    """End of the ``&``/``+`` run of operands that starts at ``i``."""
    n = len(toks)
    j = i
    while j < n:
        t = toks[j]
        if t.kind == "id":
            j = _chain_end(toks, j, match)
        elif _is_op(t, "(") and match[j] > j:
            j = match[j] + 1
        elif t.kind in ("str", "num", "date"):
            j += 1
        else:
            break
        if j < n and toks[j].kind == "op" and toks[j].text in ("&", "+"):
            j += 1
            continue
        break
    return j


def _appends(rhs: list[Tok], name: str) -> bool:
    return bool(rhs) and rhs[0].kind == "id" and rhs[0].up == name


def _class_of_type(type_name: str) -> str:
    """The project class a declared type may be (``clsOrder`` -> CLSORDER), or "" for library types."""
    if "." in type_name:
        return "" if is_known_com(type_name) else type_name.rsplit(".", 1)[-1].upper()
    up = type_name.upper()
    return "" if up in BUILTIN_TYPES or up in _SHORT_COM else up


_HandlerFn = Callable[[Analyser, list[Tok], list[int], Stmt], bool]
_HANDLERS: dict[str, _HandlerFn] = {
    **dict.fromkeys(("DIM", "PUBLIC", "PRIVATE", "GLOBAL", "FRIEND", "STATIC", "CONST", "SUB", "FUNCTION",
                     "PROPERTY", "DECLARE", "EVENT", "TYPE", "ENUM", "DEFAULT"), Analyser._declaration),
    **dict.fromkeys(("OPTION", "RETURN", "RESUME", "STOP", "ERASE", "ATTRIBUTE", "DEFINT", "DEFLNG", "DEFSTR",
                     "DEFBOOL", "DEFBYTE", "DEFSNG", "DEFDBL", "DEFCUR", "DEFDATE", "DEFDEC", "DEFOBJ", "DEFVAR",
                     "DEFLNGLNG", "DEFLNGPTR"), Analyser._h_plain),
    **dict.fromkeys(("OPEN", "CLOSE", "PRINT", "INPUT", "LINE", "WRITE", "GET", "PUT", "SEEK", "LOCK", "UNLOCK",
                     "WIDTH", "NAME", "LSET", "RSET"), Analyser._h_file_io),
    "END": Analyser._h_end,
    "ENDIF": Analyser._h_endif,
    "IF": Analyser._h_if,
    "ELSEIF": Analyser._h_elseif,
    "ELSE": Analyser._h_else,
    "SELECT": Analyser._h_select,
    "CASE": Analyser._h_case,
    "FOR": Analyser._h_for,
    "NEXT": Analyser._h_next,
    "DO": Analyser._h_do,
    "LOOP": Analyser._h_loop,
    "WHILE": Analyser._h_while,
    "WEND": Analyser._h_wend,
    "WITH": Analyser._h_with,
    "EXIT": Analyser._h_exit,
    "GOTO": Analyser._h_goto,
    "GOSUB": Analyser._h_goto,
    "ON": Analyser._h_on,
    "CALL": Analyser._h_call,
    "SET": Analyser._h_set,
    "LET": Analyser._h_set,
    "CLASS": Analyser._h_class,
    "REDIM": Analyser._h_redim,
    "IMPLEMENTS": Analyser._h_implements,
    "RAISEEVENT": Analyser._h_raiseevent,
    "LOAD": Analyser._h_load,
    "UNLOAD": Analyser._h_load,
}


# Statements named like builtins (Load, Open, Name ...): a routine of the file by that name wins.
_STATEMENT_BUILTINS = (Analyser._h_file_io, Analyser._h_load)


def analyse(pieces: list[Piece], ctx: Context) -> Result:
    """Analyse the code of one file (its pieces in line order). Never raises on bad input."""
    return Analyser(ctx).run(pieces)
