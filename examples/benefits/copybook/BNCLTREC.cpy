000100***************************************************************** BNCLTREC
000200* BNCLTREC - CLAIMANT MASTER RECORD (VSAM KSDS, LRECL 300)      * BNCLTREC
000300*            DSN PROD.BN.CLAIMANT.KSDS  KEY(10,0)               * BNCLTREC
000400* 1991-05-14  J.ABERNETHY ORIGINAL                              * BNCLTREC
000500* 1998-10-12  P.DEVLIN    Y2K - CLT-DOB / CLT-LAST-UPDATE 9(8)  * BNCLTREC
000600* 2002-01-15  S.MARSH     BANK DETAILS FOR BACS PAYMENT         * BNCLTREC
000700***************************************************************** BNCLTREC
000800 01  BN-CLAIMANT-REC.                                             BNCLTREC
000900     05  CLT-CLAIMANT-ID             PIC X(10).                   BNCLTREC
001000     05  CLT-NI-NUMBER               PIC X(9).                    BNCLTREC
001100     05  CLT-NAME.                                                BNCLTREC
001200         10  CLT-SURNAME             PIC X(30).                   BNCLTREC
001300         10  CLT-FORENAME            PIC X(20).                   BNCLTREC
001400         10  CLT-INITIALS            PIC X(3).                    BNCLTREC
001500     05  CLT-DOB                     PIC 9(8).                    BNCLTREC
001600     05  CLT-ADDRESS.                                             BNCLTREC
001700         10  CLT-ADDR-LINE           PIC X(30) OCCURS 4 TIMES.    BNCLTREC
001800         10  CLT-POSTCODE            PIC X(8).                    BNCLTREC
001900     05  CLT-BANK-DETAILS.                                        BNCLTREC
002000         10  CLT-SORT-CODE           PIC 9(6).                    BNCLTREC
002100         10  CLT-ACCOUNT-NO          PIC 9(8).                    BNCLTREC
002200     05  CLT-BANK-DETAILS-X REDEFINES CLT-BANK-DETAILS            BNCLTREC
002300                                     PIC X(14).                   BNCLTREC
002400     05  CLT-PAY-METHOD              PIC X(1).                    BNCLTREC
002500         88  CLT-PAY-BACS                VALUE 'B'.               BNCLTREC
002600         88  CLT-PAY-CHEQUE              VALUE 'C'.               BNCLTREC
002700     05  CLT-STATUS                  PIC X(1).                    BNCLTREC
002800         88  CLT-LIVE                    VALUE 'L'.               BNCLTREC
002900         88  CLT-DECEASED                VALUE 'D'.               BNCLTREC
003000         88  CLT-GONE-AWAY               VALUE 'G'.               BNCLTREC
003100         88  CLT-PURGE-PENDING           VALUE 'P'.               BNCLTREC
003200     05  CLT-CLAIM-COUNT             PIC S9(4)     COMP.          BNCLTREC
003300     05  CLT-TOTAL-PAID              PIC S9(9)V99  COMP-3.        BNCLTREC
003400     05  CLT-LAST-UPDATE             PIC 9(8).                    BNCLTREC
003500     05  CLT-LAST-UPD-USER           PIC X(8).                    BNCLTREC
003600     05  FILLER                      PIC X(52).                   BNCLTREC
