"""IBM High Level Assembler (HLASM) source, macros and copy members: a statement-level line parser.

Statements are fixed format: a name in column 1, then the operation and its operands separated by
blanks; a non-blank column 72 continues the statement on the next line at column 16; columns
73-80 hold sequence numbers; ``*`` in column 1 and ``.*`` are comments. The operand field ends at
the first blank outside quotes (``L'FIELD`` is a length attribute, not a quote); after a comma
and a blank the operands go on in the continuation line (the macro "alternate format").

A member is a ``program`` (a CSECT, RSECT or START, or an END statement), a macro library member
(its first statement is MACRO: ``copybook:<prototype name>`` with detail ``macro``), or a copy
member (``copybook:<MEMBER>``). A program's id is the member name when it is a valid load-module
name (the load module is link-edited under the member name), else its first CSECT; other CSECTs
and ENTRY names are ``entry`` sub-definitions.

An operation code that is neither an assembler nor a machine instruction is a macro call: an
``includes copybook:<MACRO>`` reference (via ``macro-call``) unless the member defines that macro
itself. IBM macros (legacy_lens/catalog/hlasm.toml) resolve to system components.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from legacy_lens.extractors.common import member_name
from legacy_lens.extractors.exec_blocks import analyse as analyse_exec
from legacy_lens.extractors.exec_blocks import unquote
from legacy_lens.languages import LanguageSpec
from legacy_lens.model import (
    INFO,
    WARNING,
    Definition,
    Diagnostic,
    Extraction,
    FileAssign,
    LineCounts,
    Metrics,
    ParseQuality,
    Reference,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Assembler and conditional-assembly instructions; then z390's structured conditional assembly (ZSTRMAC)
# and the ASSIST pseudo-instructions that z390 and teaching systems accept as instructions.
_ASSEMBLER_OPS = _words("""
ACONTROL ADATA AINSERT ALIAS AMODE CATTR CCW CCW0 CCW1 CEJECT CNOP COM COPY CSECT CXD DC DROP DS DSECT DXD EJECT
END ENTRY EQU EXITCTL EXTRN ICTL ISEQ LOCTR LTORG MNOTE OPSYN ORG POP PRINT PROCESS PUNCH PUSH REPRO RMODE
RSECT SPACE START TITLE USING WXTRN XATTR
ACTR AEJECT AGO AGOB AIF AIFB ANOP AREAD ASPACE GBLA GBLB GBLC LCLA LCLB LCLC MACRO MEND MEXIT MHELP SETA SETAF
SETB SETC SETCF
ACALL AELSE AELSEIF AEND AENTRY AEXIT ACASE AWHEN AWHILE AUNTIL APM ASPM
XREAD XPRNT XPNCH XDUMP XDECI XDECO XHEXI XHEXO XLIMD XGET XPUT XOPC
""")

# Conditional-assembly and macro-definition statements (their own complexity rules apply).
_CONDITIONAL_OPS = _words("ACTR AGO AGOB AIF AIFB ANOP AREAD GBLA GBLB GBLC LCLA LCLB LCLC MEXIT MNOTE SETA SETAF SETB "
                     "SETC SETCF")

_MACHINE = _words("""
A AD ADB ADBR ADR ADTR ADTRA AE AEB AEBR AER AFI AG AGF AGFI AGFR AGH AGHI AGHIK AGR AGRK AGSI AH AHHHR AHHLR AHI
AHIK AHY AIH AL ALC ALCG ALCGR ALCR ALFI ALG ALGF ALGFI ALGFR ALGHSIK ALGR ALGRK ALGSI ALHHHR ALHHLR ALHSIK ALR
ALRK ALSI ALSIH ALSIHN ALY AP AR ARK ASI AU AUR AW AWR AXBR AXR AXTR AXTRA AY
BAKR BAL BALR BAS BASR BASSM BC BCR BCT BCTG BCTGR BCTR BIC BPP BPRP BRAS BRASL BRC BRCL BRCT BRCTG BRCTH BRXH
BRXHG BRXLE BRXLG BSA BSG BSM BXH BXHG BXLE BXLEG
C CD CDB CDBR CDFBR CDFBRA CDFR CDFTR CDGBR CDGBRA CDGR CDGTR CDGTRA CDLFBR CDLFTR CDLGBR CDLGTR CDPT CDR CDS
CDSG CDSTR CDSY CDTR CDUTR CDZT CE CEB CEBR CEDTR CEFBR CEFBRA CEFR CEGBR CEGBRA CEGR CELFBR CELGBR CER CEXTR
CFC CFDBR CFDBRA CFDR CFDTR CFEBR CFEBRA CFER CFI CFXBR CFXBRA CFXR CFXTR CG CGDBR CGDBRA CGDR CGDTR CGDTRA
CGEBR CGEBRA CGER CGF CGFI CGFR CGFRL CGH CGHI CGHRL CGHSI CGR CGRL CGXBR CGXBRA CGXR CGXTR CGXTRA CH CHF CHHR
CHHSI CHI CHLR CHRL CHSI CHY CIH CKSM CL CLC CLCL CLCLE CLCLU CLFDBR CLFDTR CLFEBR CLFHSI CLFI CLFXBR CLFXTR
CLG CLGDBR CLGDTR CLGEBR CLGF CLGFI CLGFR CLGFRL CLGHRL CLGHSI CLGR CLGRL CLGXBR CLGXTR CLHF CLHHR CLHHSI CLHLR
CLHRL CLI CLIH CLIY CLM CLMH CLMY CLR CLRL CLST CLY CMPSC CP CPDT CPSDR CPXT CPYA CR CRL CS CSCH CSDTR CSG CSP
CSPG CSST CSXTR CSY CU12 CU14 CU21 CU24 CU41 CU42 CUDTR CUSE CUTFU CUUTF CUXTR CVB CVBG CVBY CVD CVDG CVDY CXBR
CXFBR CXFBRA CXFR CXFTR CXGBR CXGBRA CXGR CXGTR CXGTRA CXLFBR CXLFTR CXLGBR CXLGTR CXPT CXR CXSTR CXTR CXUTR
CXZT CY CZDT CZXT
D DD DDB DDBR DDR DDTR DDTRA DE DEB DEBR DER DIAG DIAGNOSE DIDBR DIEBR DL DLG DLGR DLR DP DR DSG DSGF DSGFR DSGR
DXBR DXR DXTR DXTRA
EAR ECAG ECTG ED EDMK EEDTR EEXTR EFPC EPAIR EPAR EPSW EREG EREGG ESAIR ESAR ESDTR ESEA ESTA ESXTR ETND EX EXRL
FIDBR FIDBRA FIDR FIDTR FIEBR FIEBRA FIER FIXBR FIXBRA FIXR FIXTR FLOGR
HDR HER HSCH
IAC IC ICM ICMH ICMY ICY IDTE IEDTR IEXTR IIHF IIHH IIHL IILF IILH IILL IPK IPM IPTE IRBM ISKE IVSK
KDB KDBR KDSA KDTR KEB KEBR KIMD KLMD KM KMA KMAC KMC KMCTR KMF KMO KXBR KXTR
L LA LAA LAAG LAAL LAALG LAE LAEY LAM LAMY LAN LANG LAO LAOG LARL LASP LAT LAX LAXG LAY LB LBH LBR LCBB LCCTL
LCDBR LCDFR LCDR LCEBR LCER LCGFR LCGR LCR LCTL LCTLG LCXBR LCXR LD LDE LDEB LDEBR LDER LDETR LDGR LDR LDXBR
LDXBRA LDXR LDXTR LDY LE LEDBR LEDBRA LEDR LEDTR LER LEXBR LEXBRA LEXR LEY LFAS LFH LFHAT LFPC LG LGAT LGB LGBR
LGDR LGF LGFI LGFR LGFRL LGG LGH LGHI LGHR LGHRL LGR LGRL LGSC LH LHH LHI LHR LHRL LHY LLC LLCH LLCR LLGC LLGCR
LLGF LLGFAT LLGFR LLGFRL LLGFSG LLGH LLGHR LLGHRL LLGT LLGTAT LLGTR LLH LLHH LLHR LLHRL LLIHF LLIHH LLIHL LLILF
LLILH LLILL LLZRGF LM LMD LMG LMH LMY LNDBR LNDFR LNDR LNEBR LNER LNGFR LNGR LNR LNXBR LNXR LOC LOCFH LOCFHR
LOCG LOCGHI LOCGR LOCHHI LOCHI LOCR LPCTL LPD LPDBR LPDFR LPDG LPDR LPEBR LPER LPGFR LPGR LPP LPQ LPR LPSW
LPSWE LPTEA LPXBR LPXR LR LRA LRAG LRAY LRDR LRER LRL LRV LRVG LRVGR LRVH LRVR LSCTL LT LTDBR LTDR LTDTR LTEBR
LTER LTG LTGF LTGFR LTGR LTR LTXBR LTXR LTXTR LURA LURAG LXD LXDB LXDBR LXDR LXDTR LXE LXEB LXEBR LXER LXR LY
LZDR LZER LZRF LZRG LZXR
M MAD MADB MADBR MADR MAE MAEB MAEBR MAER MAY MAYH MAYHR MAYL MAYLR MAYR MC MD MDB MDBR MDE MDEB MDEBR MDER MDR
MDTR MDTRA ME MEE MEEB MEEBR MEER MER MFY MG MGH MGHI MGRK MH MHI MHY ML MLG MLGR MLR MP MR MS MSC MSCH MSD MSDB
MSDBR MSDR MSE MSEB MSEBR MSER MSFI MSG MSGC MSGF MSGFI MSGFR MSGR MSGRKC MSR MSRKC MSTA MSY MVC MVCDK MVCIN
MVCK MVCL MVCLE MVCLU MVCOS MVCP MVCRL MVCS MVCSK MVGHI MVHHI MVHI MVI MVIY MVN MVO MVPG MVST MVZ MXBR MXD MXDB
MXDBR MXDR MXR MXTR MXTRA MY MYH MYHR MYL MYLR MYR
N NC NCGRK NCRK NG NGR NGRK NI NIAI NIHF NIHH NIHL NILF NILH NILL NIY NNGRK NNRK NOGRK NORK NR NRK NTSTG NXGRK
NXRK NY
O OC OCGRK OCRK OG OGR OGRK OI OIHF OIHH OIHL OILF OILH OILL OIY OR ORK OY
PACK PALB PC PCC PCKMO PFD PFDRL PFMF PFPO PGIN PGOUT PKA PKU PLO POPCNT PPA PPNO PR PRNO PT PTF PTFF PTI PTLB
QADTR QAXTR QCTRI QSI
RCHP RISBG RISBGN RISBHG RISBLG RLL RLLG RNSBG ROSBG RP RRBE RRBM RRDTR RRXTR RSCH RXSBG
S SAC SACF SAL SAM24 SAM31 SAM64 SAR SCHM SCK SCKC SCKPF SD SDB SDBR SDR SDTR SDTRA SE SEB SEBR SELFHR SELGR SELR
SER SFASR SFPC SG SGF SGFR SGH SGR SGRK SH SHHHR SHHLR SHY SIE SIGA SIGP SL SLA SLAG SLAK SLB SLBG SLBGR SLBR
SLDA SLDL SLDT SLFI SLG SLGF SLGFI SLGFR SLGR SLGRK SLHHHR SLHHLR SLL SLLG SLLK SLR SLRK SLXT SLY SP SPCTL SPKA
SPM SPT SPX SQD SQDB SQDBR SQDR SQE SQEB SQEBR SQER SQXBR SQXR SR SRA SRAG SRAK SRDA SRDL SRDT SRK SRL SRLG SRLK
SRNM SRNMB SRNMT SRP SRST SRSTU SRXT SSAIR SSAR SSCH SSKE SSM ST STAM STAMY STAP STC STCH STCK STCKC STCKE STCKF
STCM STCMH STCMY STCPS STCRW STCTG STCTL STCY STD STDY STE STEY STFH STFL STFLE STFPC STG STGRL STGSC STH STHH
STHRL STHY STIDP STM STMG STMH STMY STNSM STOC STOCFH STOCG STOSM STPQ STPT STPX STRAG STRL STRV STRVG STRVH
STSCH STSI STURA STURG STY SU SUR SVC SW SWR SXBR SXR SXTR SXTRA SY
TABORT TAM TAR TB TBDR TBEDR TBEGIN TBEGINC TCDB TCEB TCXB TDCDT TDCET TDCXT TDGDT TDGET TDGXT TEND THDER THDR
TM TMH TMHH TMHL TML TMLH TMLL TMY TP TPI TPROT TR TRACE TRACG TRAP2 TRAP4 TRE TROO TROT TRT TRTE TRTO TRTR TRTRE
TRTT TS TSCH
UNPK UNPKA UNPKU UPT
X XC XG XGR XGRK XI XIHF XILF XIY XR XRK XSCH XY
ZAP RISBGZ RISBGNZ RISBHGZ RISBLGZ RNSBGT RXSBGT ROSBGT
HIO HDV SIO SIOF TIO TCH CLRIO CLRCH STIDC CONCS DISCS RDD WRD ISK SSK RRB
""")

# Extended mnemonics: branch on condition (RR, RX, RI, RIL forms) and their conditions.
_CONDITIONS = ("H", "L", "E", "NH", "NL", "NE", "P", "M", "Z", "NP", "NM", "NZ", "O", "NO")
_BRANCH_CONDITIONAL = frozenset(
    [f"B{c}" for c in _CONDITIONS] + [f"B{c}R" for c in _CONDITIONS] + [f"J{c}" for c in _CONDITIONS]
    + [f"JL{c}" for c in _CONDITIONS] + [f"BR{c}" for c in _CONDITIONS] + [f"BR{c}L" for c in _CONDITIONS]
    + [f"BI{c}" for c in _CONDITIONS]
)
_BRANCH_UNCONDITIONAL = frozenset(["B", "BR", "J", "JU", "JLU", "BRU", "BRUL", "BI"])
_BRANCH_NOP = frozenset(["NOP", "NOPR", "JNOP", "JLNOP"])
# Compare-and-branch/jump/trap, load/store/select on condition: base mnemonic + condition.
_COMPARE_BASES = ("CRJ", "CGRJ", "CIJ", "CGIJ", "CLRJ", "CLGRJ", "CLIJ", "CLGIJ", "CRB", "CGRB", "CIB", "CGIB",
                  "CLRB", "CLGRB", "CLIB", "CLGIB", "CRT", "CGRT", "CIT", "CGIT", "CLRT", "CLGRT", "CLFIT",
                  "CLGIT", "CLT", "CLGT")
_COMPARE_CONDITIONS = ("H", "L", "E", "NH", "NL", "NE", "LH", "HE", "LE")
_COMPARE_BRANCH = frozenset(f"{b}{c}" for b in _COMPARE_BASES[:16] for c in _COMPARE_CONDITIONS) | frozenset(
    _COMPARE_BASES[:16])
_ON_CONDITION_BASES = ("LOC", "LOCG", "LOCR", "LOCGR", "STOC", "STOCG", "LOCFH", "LOCFHR", "STOCFH", "LOCHI",
                       "LOCGHI", "LOCHHI", "SELR", "SELGR", "SELFHR")
_ON_CONDITIONS = ("O", "H", "NLE", "L", "NHE", "LH", "NE", "E", "NLH", "HE", "NL", "LE", "NH", "NO", "P", "M", "Z",
                  "NP", "NM", "NZ")
_DERIVED = (frozenset(f"{b}{c}" for b in _COMPARE_BASES for c in _COMPARE_CONDITIONS)
            | frozenset(f"{b}{c}" for b in _ON_CONDITION_BASES for c in _ON_CONDITIONS))
_LOOP_BRANCHES = frozenset(["BCT", "BCTR", "BCTG", "BCTGR", "BRCT", "BRCTG", "BRCTH", "JCT", "JCTG", "BXH", "BXLE",
                           "BXHG", "BXLEG", "BRXH", "BRXLE", "BRXHG", "BRXLG", "JXH", "JXLE", "JXHG", "JXLEG"])
_ALL_MACHINE = (_MACHINE | _BRANCH_CONDITIONAL | _BRANCH_UNCONDITIONAL | _BRANCH_NOP | _COMPARE_BRANCH | _DERIVED
           | _LOOP_BRANCHES | frozenset(["JAS", "JASL", "JC", "JLC"]))

# Branch on condition with a mask operand: conditional unless the mask is 15 (always) or 0 (never).
_MASKED_BRANCHES = frozenset(["BC", "BCR", "BRC", "BRCL", "JC", "JLC", "BIC"])


_SYMBOL = r"[A-Za-z@#$_][A-Za-z0-9@#$_]*"
_SYMBOL_RE = re.compile(rf"^{_SYMBOL}$")
_NAME_FIELD = re.compile(r"^(?:[A-Za-z@#$_&.][A-Za-z0-9@#$_&.()',+-]*)$")
_OPCODE = re.compile(r"^[A-Za-z@#$&][A-Za-z0-9@#$_&.]*$")
_LOAD_MODULE = re.compile(r"^[A-Z@#$][A-Z0-9@#$]{0,7}$")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ATTRIBUTE_LETTERS = frozenset("LTKNDISOltkndiso")
_VCON = re.compile(rf"(?<![A-Za-z0-9@#$_])V\(\s*(?P<names>{_SYMBOL}(?:\s*,\s*{_SYMBOL})*)\s*\)", re.IGNORECASE)
_KEYWORD = re.compile(rf"(?<![A-Za-z0-9@#$_&])(?P<k>{_SYMBOL})\s*=\s*", re.IGNORECASE)
_CHAR_CONSTANT = re.compile(r"^\d*C[LA]?(?:\d+)?'(?P<v>(?:[^']|'')*)'", re.IGNORECASE)
_OPEN_OPTIONS = {"INPUT": "INPUT", "RDBACK": "INPUT", "OUTPUT": "OUTPUT", "OUTIN": "OUTPUT", "UPDAT": "I-O",
                 "INOUT": "I-O", "EXTEND": "EXTEND", "OUTINX": "EXTEND"}
_PROGRAM_MACROS = {"LINK": ("links", "asm-link"), "LINKX": ("links", "asm-link"), "XCTL": ("xctl", "asm-xctl"),
                   "XCTLX": ("xctl", "asm-xctl"), "LOAD": ("calls", "asm-load"), "ATTACH": ("calls", "asm-attach"),
                   "ATTACHX": ("calls", "asm-attach")}
# Structured-programming macros (HLASM Toolkit ASMMSP and look-alikes): decisions and nesting.
_STRUCTURED_DECISIONS = frozenset(["IF", "ELSEIF", "ORIF", "ANDIF", "WHEN", "DOEXIT", "EXITIF", "CASE"])
_STRUCTURED_OPEN = frozenset(["IF", "DO", "SELECT", "CASENTRY", "STRTSRCH"])
_STRUCTURED_CLOSE = frozenset(["ENDIF", "ENDDO", "ENDSEL", "ENDCASE", "ENDSRCH"])
_MIN_STATEMENTS_FOR_DIALECT_CHECK = 8
# Statements no other assembler has: a member with any of them is mainframe assembler.
_MAINFRAME_MARKERS = frozenset(["CSECT", "DSECT", "RSECT", "MACRO", "MEND", "USING", "DROP", "LTORG", "BALR", "BASR",
                                "STM", "LM", "MVC", "CLC", "CLI"])
_BRANCHING = (_MASKED_BRANCHES | _BRANCH_CONDITIONAL | _COMPARE_BRANCH | _LOOP_BRANCHES | _BRANCH_UNCONDITIONAL)
_CONDITIONAL_FLOW = frozenset(["AIF", "AIFB", "AELSEIF", "AWHEN", "AWHILE", "AUNTIL", "AGO", "AGOB"])
_STRUCTURED_ALL = _STRUCTURED_DECISIONS | _STRUCTURED_OPEN | _STRUCTURED_CLOSE


@dataclass(slots=True)
class _Stmt:
    line: int
    end_line: int
    name: str
    op: str  # upper case
    operands: str  # the operand field, continuations joined, remarks left out
    text: str  # everything after the operation code, continuations joined (for EXEC CICS/SQL/DLI)


@dataclass(slots=True)
class _Macro:
    name: str
    line: int
    end_line: int = 0
    local: bool = False  # defined inside a source program (not a library member)


@dataclass(slots=True)
class _Unit:
    """One component the member defines, with the statements that count for it."""

    kind: str
    name: str
    line: int
    end_line: int
    detail: str = ""
    complexity: int = 1
    nesting: int = 0
    max_nesting: int = 0
    gotos: int = 0


def _operand_scan(piece: str, start: int, in_quote: bool) -> tuple[int, bool]:
    """End of the operand text in ``piece`` from ``start``: the first blank outside quotes (or the end)."""
    if not in_quote and "'" not in piece[start:]:
        blank = piece.find(" ", start)
        return (len(piece), False) if blank < 0 else (blank, False)
    i = start
    n = len(piece)
    while i < n:
        ch = piece[i]
        if ch == "'":
            if in_quote:
                in_quote = False
            elif _opens_string(piece, i):
                in_quote = True
        elif ch == " " and not in_quote:
            return i, False
        i += 1
    return n, in_quote


def _lex(lines: list[str]) -> tuple[list[_Stmt], set[int], set[int], list[int]]:
    """Statements, comment rows, code rows (0-based) and rows whose continuation was refused."""
    stmts: list[_Stmt] = []
    comments: set[int] = set()
    code: set[int] = set()
    refused: list[int] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        body = line[:71]
        if not body.strip():
            i += 1
            continue
        if body.startswith("*") or body.startswith(".*"):
            comments.add(i)
            i += 1
            continue
        start = i
        pieces = [body]
        continued = len(line) > 71 and line[71] != " "
        while continued and i + 1 < n:
            nxt = lines[i + 1]
            if nxt[:15].strip():
                refused.append(i + 1)  # a continuation must leave columns 1-15 blank: not one
                break
            i += 1
            pieces.append(nxt[15:71])
            continued = len(nxt) > 71 and nxt[71] != " "
        code.update(range(start, i + 1))
        i += 1
        first = pieces[0]
        name = ""
        pos = 0
        if first[:1] != " ":
            end = first.find(" ")
            name = first if end < 0 else first[:end]
            pos = len(first) if end < 0 else end
        rest = first[pos:].lstrip()
        pos = len(first) - len(rest)
        end = rest.find(" ")
        op = rest if end < 0 else rest[:end]
        if op.startswith(":") and not name and end > 0:
            # z390 structured macros indent a name as ``:&NAME SETA ...``: the word after it is the operation.
            name = op[1:]
            pos += end
            rest = first[pos:].lstrip()
            pos = len(first) - len(rest)
            end = rest.find(" ")
            op = rest if end < 0 else rest[:end]
        pos += len(op)
        while pos < len(first) and first[pos] == " ":
            pos += 1
        operands: list[str] = []
        k = 0
        cursor = pos
        in_quote = False
        while k < len(pieces):
            piece = pieces[k]
            stop, in_quote = _operand_scan(piece, cursor, in_quote)
            operands.append(piece[cursor:stop])
            if stop < len(piece):
                # A blank ended the operands: they go on in the next piece only after a comma.
                if operands[-1].endswith(",") and k + 1 < len(pieces):
                    k += 1
                    cursor = len(pieces[k]) - len(pieces[k].lstrip())
                    continue
                break
            k += 1
            cursor = 0
        text_after = " ".join([first[pos:], *pieces[1:]])
        stmts.append(_Stmt(start + 1, i, name, op.upper(), "".join(operands), " ".join(text_after.split())))
    return stmts, comments, code, refused


def _mask_strings(text: str) -> str:
    """``text`` with the inside of quoted strings blanked (attribute references such as L'X are not strings)."""
    out = []
    pos = 0
    in_quote = False
    for i, ch in enumerate(text):
        if ch != "'":
            continue
        if in_quote:
            out.append(" " * (i - pos))
            pos = i
            in_quote = False
        elif _opens_string(text, i):
            out.append(text[pos:i + 1])
            pos = i + 1
            in_quote = True
    out.append(" " * (len(text) - pos) if in_quote else text[pos:])
    return "".join(out)


def _opens_string(text: str, i: int) -> bool:
    """Whether the apostrophe at ``text[i]`` opens a string rather than an attribute reference (``L'FIELD``)."""
    prev = text[i - 1] if i > 0 else " "
    before = text[i - 2] if i > 1 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    attribute = (prev in _ATTRIBUTE_LETTERS and not (before.isalnum() or before in "@#$_")
                 and (nxt.isalpha() or nxt in "&@#$_=*"))
    return not attribute


def _split_operands(text: str) -> list[str]:
    """Operands at parenthesis depth 0, split at commas outside quotes."""
    out: list[str] = []
    depth = 0
    quote = False
    begin = 0
    for i, ch in enumerate(text):
        if ch == "'":
            quote = not quote
        elif quote:
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            out.append(text[begin:i])
            begin = i + 1
    out.append(text[begin:])
    return out


def _keywords(operands: str) -> dict[str, str]:
    """``EP=PROGA,SF=(E,LIST)`` -> {"EP": "PROGA", "SF": "(E,LIST)"}."""
    out: dict[str, str] = {}
    for part in _split_operands(operands):
        m = re.match(rf"\s*({_SYMBOL})\s*=(.*)$", part, re.DOTALL)
        if m:
            out[m.group(1).upper()] = m.group(2).strip()
    return out


class _Extractor:
    def __init__(self, text: str, path: str, spec: LanguageSpec) -> None:
        self.path = path
        self.member = member_name(path)
        raw = _CONTROLS.sub(" ", text).replace("\r", "").split("\n")
        if raw and raw[-1] == "":
            raw.pop()
        self.lines = [ln.expandtabs(8) if "\t" in ln else ln for ln in raw]
        self.stmts, self.comment_rows, self.code_rows, self.refused = _lex(self.lines)
        self.diagnostics: list[Diagnostic] = []
        self.references: list[Reference] = []
        self.definitions: list[Definition] = []
        self.seen: set[tuple[str, str, str, str, int]] = set()
        self.units: list[_Unit] = []
        self.macros: list[_Macro] = []
        self.local_macros: set[str] = set()
        self.constants: dict[str, str] = {}  # label -> value of a DC C'...' on that label
        self.dcbs: dict[str, tuple[str, int, str]] = {}  # label -> (ddname, line, kind DCB/ACB)
        self.acb_modes: dict[str, set[str]] = {}
        self.opens: dict[str, set[str]] = {}
        self.unclassified: set[int] = set()
        self.sections: list[str] = []

    # -- classification ---------------------------------------------------------------
    def _shape(self) -> tuple[str, str, str]:
        """(kind, name, detail) of the member's main component."""
        depth = 0
        sections: list[str] = []
        has_end = False
        first_op = next((s.op for s in self.stmts if s.op not in ("TITLE", "EJECT", "SPACE", "PRINT", "ICTL")), "")
        for s in self.stmts:
            if s.op == "MACRO":
                depth += 1
            elif s.op == "MEND":
                depth = max(0, depth - 1)
            elif depth == 0 and s.op in ("CSECT", "RSECT", "START") and s.name and not s.name.startswith("&"):
                sections.append(s.name.upper())
            elif depth == 0 and s.op == "END":
                has_end = True
        if first_op == "MACRO" and not sections:
            return "macro-library", "", ""
        if not sections and not has_end:
            return "copybook", self.member, ""
        csect = sections[0] if sections else ""
        name = self.member if _LOAD_MODULE.match(self.member) else (csect or self.member)
        detail = f"csect={csect}" if csect and csect != name else ""
        self.sections = sections
        return "program", name, detail

    def run(self) -> Extraction:
        kind, name, detail = self._shape()
        if self._not_mainframe():
            return self._foreign()
        last = max(1, len(self.lines))
        if kind == "macro-library":
            self._macro_units()
        else:
            first_line = next((s.line for s in self.stmts if s.op in ("CSECT", "RSECT", "START")), 1)
            self.units.append(_Unit(kind, name, first_line if kind == "program" else 1, last, detail))
            for extra in self.sections[1:]:
                if extra != name:
                    self.definitions.append(Definition(kind="entry", name=extra, line=self._line_of(extra),
                                                       parent=f"{kind}:{name}", detail="CSECT"))
            if kind == "program" and self.sections and self.sections[0] != name:
                self.definitions.append(Definition(kind="entry", name=self.sections[0],
                                                   line=self._line_of(self.sections[0]), parent=f"{kind}:{name}",
                                                   detail="CSECT"))
        self._collect_constants()
        self._statements()
        return self._result()

    def _line_of(self, section: str) -> int:
        return next((s.line for s in self.stmts if s.name.upper() == section and s.op in ("CSECT", "RSECT", "START")),
                    1)

    def _not_mainframe(self) -> bool:
        """True for another assembler's source (x86, ARM, 68k ...) that shares the .asm/.s extension."""
        ops = [s.op for s in self.stmts if s.op]
        if len(ops) < _MIN_STATEMENTS_FOR_DIALECT_CHECK or any(op in _MAINFRAME_MARKERS for op in ops):
            return False
        known = sum(1 for op in ops if op in _ASSEMBLER_OPS or op in _ALL_MACHINE)
        # Labels ending in ':', '.directives', AT&T register and immediate operands (%eax, $1), Intel memory
        # operands ([ebx+4]) and '#' immediates (ARM, 68k): none of them is mainframe assembler.
        foreign = 0
        for s in self.stmts:
            operands = _mask_strings(s.operands)
            foreign += (s.op.startswith(".") or s.name.endswith(":") or s.op.endswith(":") or "%" in operands
                        or "[" in operands or operands.startswith(("$", "#")))
        return known / len(ops) < 0.25 and foreign / len(ops) > 0.1

    def _foreign(self) -> Extraction:
        lines = self._line_counts(0, len(self.lines))
        return Extraction(
            diagnostics=(Diagnostic(self.path, WARNING, "HLASM-NOT-MAINFRAME",
                                    "this member does not read as IBM mainframe assembler (labels ending in ':', "
                                    "'.directives', operands such as %eax, $4 or [ebx], few known opcodes); it was "
                                    "not analysed", None),),
            lines=lines,
            parse=ParseQuality(status="failed", parser="line:hlasm", error_ratio=1.0, fallback_lines=lines.code))

    def _macro_units(self) -> None:
        depth = 0
        prototype_next = False
        macro_line = 1
        current: _Unit | None = None
        for s in self.stmts:
            if s.op == "MACRO":
                depth += 1
                prototype_next = depth == 1
                macro_line = s.line
                continue
            if prototype_next:
                prototype_next = False
                if _OPCODE.match(s.op) and not s.op.startswith("&"):
                    current = _Unit("copybook", s.op, macro_line, s.line, "macro")
                    self.units.append(current)
                continue
            if s.op == "MEND":
                depth = max(0, depth - 1)
                if depth == 0 and current is not None:
                    current.end_line = s.line
        if not self.units:
            self.units.append(_Unit("copybook", self.member, 1, max(1, len(self.lines)), "macro"))
        # Comments and statements before the first macro and after the last count for their neighbours.
        self.units[0].line = 1
        self.units[-1].end_line = max(1, len(self.lines))
        for a, b in zip(self.units, self.units[1:], strict=False):
            a.end_line = b.line - 1
        if self.units[0].name != self.member and len(self.units) == 1:
            self.diagnostics.append(Diagnostic(
                self.path, INFO, "HLASM-MACRO-NAME", f"member {self.member} defines macro {self.units[0].name}; "
                "the assembler finds a library macro by its member name", self.units[0].line))

    def unit_at(self, line: int) -> _Unit:
        for unit in self.units:
            if unit.line <= line <= unit.end_line:
                return unit
        return self.units[0]

    # -- statements -------------------------------------------------------------------
    def _collect_constants(self) -> None:
        for s in self.stmts:
            if s.op == "DC" and s.name and _SYMBOL_RE.match(s.name):
                m = _CHAR_CONSTANT.match(s.operands.strip())
                if m:
                    self.constants[s.name.upper()] = m.group("v").replace("''", "'")

    def add_ref(self, ref: Reference) -> None:
        key = (ref.source, ref.kind, ref.target_kind, ref.target, ref.line)
        if key not in self.seen:
            self.seen.add(key)
            self.references.append(ref)

    def _statements(self) -> None:
        depth = 0  # MACRO nesting
        prototype_next = False
        pls = False
        library = self.units[0].detail == "macro"
        for s in self.stmts:
            unit = self.unit_at(s.line)
            owner = f"{unit.kind}:{unit.name}"
            op = s.op
            if not op:
                if s.name and not _NAME_FIELD.match(s.name):
                    self.unclassified.update(range(s.line, s.end_line + 1))
                continue
            if op in ("++INCLUDE", "-INC") or s.name.upper() in ("-INC", "++INCLUDE"):
                # Library-manager includes (Panvalet ++INCLUDE, Librarian -INC), expanded before assembly.
                member = (s.operands if op in ("++INCLUDE", "-INC") else op).split(",")[0].strip().upper()
                if _SYMBOL_RE.match(member):
                    via = "librarian-include" if "-INC" in (op, s.name.upper()) else "panvalet-include"
                    self.add_ref(Reference(owner, "includes", "copybook", member, s.line, via))
                continue
            if not _OPCODE.match(op) or (s.name and not _NAME_FIELD.match(s.name)):
                self.unclassified.update(range(s.line, s.end_line + 1))
                continue
            if op == "MACRO":
                depth += 1
                prototype_next = True
                continue
            if prototype_next:
                prototype_next = False
                if not library or depth > 1:
                    self.local_macros.add(op)
                    self.macros.append(_Macro(op, s.line, local=True))
                    self.definitions.append(Definition(kind="macro", name=f"{unit.name}.{op}", line=s.line,
                                                       parent=owner, detail="macro defined in this member"))
                continue
            if op == "MEND":
                depth = max(0, depth - 1)
                pls = False
                continue
            if library and depth == 0:
                continue  # the assembler reads a library member only from MACRO to MEND
            if depth and (pls or "/*" in s.text or s.text.endswith(";") or op in ("DCL", "DECLARE")):
                # IBM mapping macros carry a PL/S (PL/X) version of the same data area in the macro body:
                # those lines are model text for another compiler, not assembler statements.
                pls = ("/*" in s.text and "*/" not in s.text.split("/*")[-1]) or (pls and "*/" not in s.text)
                continue
            self._complexity(unit, s)
            if "&" in op:
                continue  # an operation built from variable symbols: known only at generation time
            if op == "COPY":
                target = s.operands.strip().split(",")[0].strip().upper()
                if _SYMBOL_RE.match(target):
                    self.add_ref(Reference(owner, "includes", "copybook", target, s.line, "copy"))
            elif op == "EXEC":
                self._exec(s, owner)
            elif op in ("ENTRY", "EXTRN", "WXTRN", "DC"):
                self._symbols(s, owner, unit)
            elif op in _PROGRAM_MACROS:
                self._program_macro(s, owner)
            elif op == "CALL":
                self._call(s, owner)
            elif op in ("DCB", "ACB"):
                self._dcb(s)
            elif op == "OPEN":
                self._open(s)
            if op not in _ASSEMBLER_OPS and op not in _ALL_MACHINE and op not in self.local_macros and op != "EXEC":
                self.add_ref(Reference(owner, "includes", "copybook", op, s.line, "macro-call", detail="macro"))
            if "V(" in s.operands.upper() and op != "DC":
                self._vcons(s, owner)

    def _complexity(self, unit: _Unit, s: _Stmt) -> None:
        op = s.op
        if op not in _BRANCHING and op not in _CONDITIONAL_FLOW and op not in _STRUCTURED_ALL:
            return
        first = s.operands.split(",", 1)[0].strip()
        if op in _MASKED_BRANCHES:
            mask = first.upper()
            if mask in ("15", "X'F'", "B'1111'"):
                if not (op in ("BCR",) and _is_return(s.operands)):
                    unit.gotos += 1
            elif mask not in ("0", "X'0'", "B'0000'"):
                unit.complexity += 1
        elif op in _BRANCH_CONDITIONAL or op in _COMPARE_BRANCH or op in _LOOP_BRANCHES:
            unit.complexity += 1
        elif op in _BRANCH_UNCONDITIONAL:
            if not (op == "BR" and first.upper() in ("14", "R14", "RE", "REG14", "@R14")):
                unit.gotos += 1
        elif op in ("AIF", "AIFB", "AELSEIF", "AWHEN", "AWHILE", "AUNTIL"):
            unit.complexity += 1
        elif op in ("AGO", "AGOB"):
            unit.gotos += 1
        elif op in _STRUCTURED_DECISIONS or (op == "DO" and re.search(r"\b(WHILE|UNTIL|FROM)\b", s.operands.upper())):
            unit.complexity += 1
        if op in _STRUCTURED_OPEN and op not in self.local_macros:
            unit.nesting += 1
            unit.max_nesting = max(unit.max_nesting, unit.nesting)
        elif op in _STRUCTURED_CLOSE and op not in self.local_macros:
            unit.nesting = max(0, unit.nesting - 1)

    def _exec(self, s: _Stmt, owner: str) -> None:
        m = re.match(r"(\w+)\s*(.*)$", s.text, re.DOTALL)
        if not m:
            return
        found = analyse_exec(m.group(1).upper(), m.group(2), owner, s.line, self.path, "HLASM")
        for ref in found.references:
            value = self.constants.get(ref.target) if ref.dynamic and not ref.subscripted else None
            if value is not None and _LOAD_MODULE.match(value.strip().upper()):
                # PROGRAM(PGMNAME) where PGMNAME DC CL8'PAYROLL' in this member: the constant names it.
                self.add_ref(Reference(ref.source, ref.kind, ref.target_kind, value.strip().upper(), ref.line,
                                       "dc-constant", detail=f"{ref.detail}; constant {ref.target}"))
            else:
                self.add_ref(ref)
        self.definitions.extend(found.definitions)
        self.diagnostics.extend(found.diagnostics)

    def _symbols(self, s: _Stmt, owner: str, unit: _Unit) -> None:
        if s.op == "DC":
            self._vcons(s, owner)
            return
        for part in _split_operands(s.operands):
            name = part.strip().upper()
            if not _SYMBOL_RE.match(name):
                continue
            if s.op == "ENTRY":
                if name != unit.name:
                    self.definitions.append(Definition(kind="entry", name=name, line=s.line, parent=owner,
                                                       detail="ENTRY"))
            else:
                self.add_ref(Reference(owner, "calls", "program", name, s.line, "extrn",
                                       detail=f"{s.op} (resolved by the binder)"))

    def _vcons(self, s: _Stmt, owner: str) -> None:
        for m in _VCON.finditer(_mask_strings(s.operands)):
            for name in re.split(r"\s*,\s*", m.group("names")):
                self.add_ref(Reference(owner, "calls", "program", name.strip().upper(), s.line, "vcon",
                                       detail="V-type address constant"))

    def _program_macro(self, s: _Stmt, owner: str) -> None:
        kind, via = _PROGRAM_MACROS[s.op]
        kw = _keywords(s.operands)
        if "EP" in kw:
            name = unquote(kw["EP"]).strip().upper()
            if _SYMBOL_RE.match(name):
                self.add_ref(Reference(owner, kind, "program", name, s.line, via, detail=f"{s.op} EP="))
        elif "EPLOC" in kw or "DE" in kw:
            key = "EPLOC" if "EPLOC" in kw else "DE"
            label = kw[key].strip()
            value = self.constants.get(label.upper())
            if value is not None and _LOAD_MODULE.match(value.strip().upper()):
                self.add_ref(Reference(owner, kind, "program", value.strip().upper(), s.line, "eploc-constant",
                                       detail=f"{s.op} {key}={label}"))
            elif label:
                self.add_ref(Reference(owner, kind, "program", label.upper(), s.line, "identifier", dynamic=True,
                                       detail=f"{s.op} {key}={label}: name held in storage"))

    def _call(self, s: _Stmt, owner: str) -> None:
        first = _split_operands(s.operands)[0].strip()
        if first.startswith("(") or first in ("", "*"):
            return  # CALL (15): the address is in a register
        name = unquote(first).strip().upper()
        if _SYMBOL_RE.match(name):
            self.add_ref(Reference(owner, "calls", "program", name, s.line, "asm-call"))

    def _dcb(self, s: _Stmt) -> None:
        if not s.name or not _SYMBOL_RE.match(s.name):
            return
        kw = _keywords(s.operands)
        label = s.name.upper()
        dd = kw.get("DDNAME", "").strip().upper() or label
        self.dcbs[label] = (dd, s.line, s.op)
        if s.op == "ACB":
            macrf = kw.get("MACRF", "").upper()
            modes = set()
            if re.search(r"\bIN\b", macrf):
                modes.add("INPUT")
            if re.search(r"\bOUT\b", macrf):
                modes.add("I-O")
            self.acb_modes[label] = modes

    def _open(self, s: _Stmt) -> None:
        parts = _split_operands(s.operands.strip())
        if not parts or not parts[0].strip().startswith("("):
            if parts and _SYMBOL_RE.match(parts[0].strip()):
                self.opens.setdefault(parts[0].strip().upper(), set()).add("INPUT")
            return
        inner = parts[0].strip()[1:]
        inner = inner[:-1] if inner.endswith(")") else inner
        items = _split_operands(inner)
        k = 0
        while k < len(items):
            name = items[k].strip().upper()
            option = items[k + 1].strip().strip("()").split(",")[0].strip().upper() if k + 1 < len(items) else ""
            if _SYMBOL_RE.match(name):
                self.opens.setdefault(name, set()).add(_OPEN_OPTIONS.get(option, "INPUT"))
            k += 2

    # -- result -----------------------------------------------------------------------
    def _line_counts(self, first: int, last: int) -> LineCounts:
        code = comment = blank = 0
        for row in range(first, last):
            if row in self.code_rows:
                code += 1
            elif row in self.comment_rows:
                comment += 1
            else:
                blank += 1
        return LineCounts(code, comment, blank)

    def _result(self) -> Extraction:
        metrics: list[tuple[str, Metrics]] = []
        definitions: list[Definition] = []
        for unit in self.units:
            definitions.append(Definition(kind=unit.kind, name=unit.name, line=unit.line, end_line=unit.end_line,
                                          detail=unit.detail))
            counts = self._line_counts(unit.line - 1 if unit is not self.units[0] else 0,
                                       unit.end_line if unit is not self.units[-1] else len(self.lines))
            metrics.append((f"{unit.kind}:{unit.name}", Metrics(
                code_lines=counts.code, comment_lines=counts.comment, blank_lines=counts.blank,
                complexity=unit.complexity, max_nesting=unit.max_nesting, goto_count=unit.gotos)))
        definitions.extend(self.definitions)
        assigns: list[FileAssign] = []
        main = self.units[0]
        if main.kind == "program":
            for label, (dd, line, _kind) in sorted(self.dcbs.items()):
                modes = self.opens.get(label, set())
                if _kind == "ACB" and modes:
                    modes = self.acb_modes.get(label) or modes
                assigns.append(FileAssign(program=main.name, select_name=label, ddname=dd[:8],
                                          modes=tuple(sorted(modes)), line=line))
        for row in self.refused:
            self.diagnostics.append(Diagnostic(
                self.path, INFO, "HLASM-CONTINUATION", "the line before has a continuation mark in column 72 but this "
                "line does not start in column 16; it was read as a new statement", row + 1))
        code = sum(1 for _ in self.code_rows)
        unclassified = len(self.unclassified)
        ratio = unclassified / code if code else 0.0
        if unclassified:
            first = min(self.unclassified)
            self.diagnostics.append(Diagnostic(
                self.path, INFO if ratio < 0.2 else WARNING, "HLASM-UNCLASSIFIED",
                f"{unclassified} code line(s) are not assembler statements as read here (first: line {first})", first))
        lines = self._line_counts(0, len(self.lines))
        return Extraction(
            definitions=tuple(definitions),
            references=tuple(self.references),
            metrics=tuple(metrics),
            file_assigns=tuple(assigns),
            diagnostics=tuple(self.diagnostics),
            lines=lines,
            parse=ParseQuality(status="line-parser", parser="line:hlasm", error_ratio=round(ratio, 4),
                               fallback_used=False, fallback_lines=unclassified),
        )


def _is_return(operands: str) -> bool:
    """``BCR 15,14``: the standard return."""
    parts = [p.strip().upper() for p in _split_operands(operands)]
    return len(parts) > 1 and parts[1] in ("14", "R14", "RE", "REG14")


def extract(text: str, path: str, spec: LanguageSpec) -> Extraction:
    """Extract facts from one assembler program, macro or copy member. Never raises on bad input."""
    return _Extractor(text, path, spec).run()


__all__ = ["extract"]
