000100*****************************************************************
000200* BNCLMREC - CLAIM RECORD LAYOUT  (LRECL 150)                   *
000300*   GENERIC LAYOUT - COPY WITH REPLACING ==:TAG:== BY ==XXX==   *
000400*   USED FOR THE NIGHTLY CLAIMS EXTRACT (CLMIN) AND THE CICS    *
000500*   CLAIMS KSDS (FILE CLAIMS, KEY = CLAIM-ID, AIX ON CLAIMANT). *
000600* 1994-02-07  J.ABERNETHY ORIGINAL                              *
000700* 1998-10-12  P.DEVLIN    Y2K - ALL DATES EXPANDED TO CCYYMMDD  *
000800* 2001-04-23  S.MARSH     DEDUCTION TABLE 3 -> 5 OCCURRENCES    *
000900*****************************************************************
001000 01  :TAG:-RECORD.
001100     05  :TAG:-KEY.
001200         10  :TAG:-CLAIM-ID          PIC X(12).
001300         10  :TAG:-CLAIMANT-ID       PIC X(10).
001400     05  :TAG:-BENEFIT-TYPE          PIC X(3).
001500         88  :TAG:-BT-JOBSEEKER          VALUE 'JSA'.
001600         88  :TAG:-BT-INCAPACITY         VALUE 'ICB'.
001700         88  :TAG:-BT-CARERS             VALUE 'CAR'.
001800         88  :TAG:-BT-HOUSING            VALUE 'HSG'.
001900         88  :TAG:-BT-VALID              VALUE 'JSA' 'ICB'
002000                                               'CAR' 'HSG'.
002100     05  :TAG:-STATUS                PIC X(1).
002200         88  :TAG:-ACTIVE                VALUE 'A'.
002300         88  :TAG:-SUSPENDED             VALUE 'S'.
002400         88  :TAG:-CLOSED                VALUE 'C'.
002500     05  :TAG:-RATE-BAND             PIC X(2).
002600     05  :TAG:-START-DATE            PIC 9(8).
002700     05  :TAG:-START-DATE-R REDEFINES :TAG:-START-DATE.
002800         10  :TAG:-START-CCYY        PIC 9(4).
002900         10  :TAG:-START-MM          PIC 9(2).
003000         10  :TAG:-START-DD          PIC 9(2).
003100     05  :TAG:-END-DATE              PIC 9(8).
003200     05  :TAG:-LAST-PAID-DATE        PIC 9(8).
003300     05  :TAG:-WEEKLY-RATE           PIC S9(7)V99 COMP-3.
003400     05  :TAG:-DEPENDANTS            PIC S9(3)    COMP.
003500     05  :TAG:-DEDUCTION-COUNT       PIC S9(4)    COMP.
003600     05  :TAG:-DEDUCTION             OCCURS 5 TIMES.
003700         10  :TAG:-DED-CODE          PIC X(2).
003800             88  :TAG:-DED-OVERPAYMENT   VALUE 'OP'.
003900             88  :TAG:-DED-COURT-ORDER   VALUE 'CO'.
004000             88  :TAG:-DED-RENT-ARREARS  VALUE 'RA'.
004100         10  :TAG:-DED-AMOUNT        PIC S9(5)V99 COMP-3.
004200     05  FILLER                      PIC X(59).
