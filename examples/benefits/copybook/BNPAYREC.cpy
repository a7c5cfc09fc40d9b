000100*****************************************************************
000200* BNPAYREC - PAYMENT RECORD  (LRECL 120)                        *
000300*            WRITTEN BY BNB100 TO PROD.BN.PAYMENTS(+1) (GDG)    *
000400*            READ BY BNRPT01, BNLEGACY, BNB300                  *
000500* 1994-02-07  J.ABERNETHY ORIGINAL                              *
000600* 1998-10-12  P.DEVLIN    Y2K                                   *
000700* 2002-01-15  S.MARSH     BACS DESTINATION REDEFINES            *
000800*****************************************************************
000900 01  BN-PAYMENT-REC.
001000     05  PAY-PAYMENT-ID              PIC 9(11).
001100     05  PAY-CLAIM-ID                PIC X(12).
001200     05  PAY-CLAIMANT-ID             PIC X(10).
001300     05  PAY-BENEFIT-TYPE            PIC X(3).
001400     05  PAY-PAY-DATE                PIC 9(8).
001500     05  PAY-PERIOD.
001600         10  PAY-PERIOD-FROM         PIC 9(8).
001700         10  PAY-PERIOD-TO           PIC 9(8).
001800     05  PAY-AMOUNTS.
001900         10  PAY-GROSS-AMT           PIC S9(7)V99 COMP-3.
002000         10  PAY-DEDUCT-AMT          PIC S9(7)V99 COMP-3.
002100         10  PAY-NET-AMT             PIC S9(7)V99 COMP-3.
002200     05  PAY-METHOD                  PIC X(1).
002300         88  PAY-BY-BACS                 VALUE 'B'.
002400         88  PAY-BY-CHEQUE               VALUE 'C'.
002500     05  PAY-DESTINATION             PIC X(14).
002600     05  PAY-BACS-DEST REDEFINES PAY-DESTINATION.
002700         10  PAY-SORT-CODE           PIC 9(6).
002800         10  PAY-ACCOUNT-NO          PIC 9(8).
002900     05  PAY-CHEQUE-DEST REDEFINES PAY-DESTINATION.
003000         10  PAY-CHEQUE-NO           PIC X(8).
003100         10  FILLER                  PIC X(6).
003200     05  PAY-STATUS                  PIC X(1).
003300         88  PAY-CALCULATED              VALUE 'N'.
003400         88  PAY-ISSUED                  VALUE 'I'.
003500         88  PAY-POSTED                  VALUE 'P'.
003600         88  PAY-CANCELLED               VALUE 'X'.
003700     05  FILLER                      PIC X(29).
