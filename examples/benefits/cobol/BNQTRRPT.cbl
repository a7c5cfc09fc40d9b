000100 IDENTIFICATION DIVISION.                                         BNQTRRPT
000200 PROGRAM-ID.    BNQTRRPT.                                         BNQTRRPT
000300 AUTHOR.        R.OKAFOR.                                         BNQTRRPT
000400 DATE-WRITTEN.  1993-03-30.                                       BNQTRRPT
000500****************************************************************  BNQTRRPT
000600*BNQTRRPT - QUARTERLY CLAIMANT COUNT BY BENEFIT TYPE          *   BNQTRRPT
000700*  RAN FROM JOB BNQTR01 UNTIL THE 2004 REPORTING CHANGE MOVED *   BNQTRRPT
000800*  THE FIGURES TO THE MANAGEMENT INFORMATION WAREHOUSE.       *   BNQTRRPT
000900*  THE JOB WAS REMOVED FROM THE SCHEDULE; THE PROGRAM WAS NOT.*   BNQTRRPT
001000*--------------------------------------------------------------   BNQTRRPT
001100*1993-03-30  R.OKAFOR   ORIGINAL                               *  BNQTRRPT
001200*2004-07-01  S.MARSH    JOB BNQTR01 WITHDRAWN (CR3310)         *  BNQTRRPT
001300****************************************************************  BNQTRRPT
001400 ENVIRONMENT DIVISION.                                            BNQTRRPT
001500 INPUT-OUTPUT SECTION.                                            BNQTRRPT
001600 FILE-CONTROL.                                                    BNQTRRPT
001700     SELECT CLAIMANT-IN  ASSIGN TO QTRIN.                         BNQTRRPT
001800     SELECT QTR-REPORT   ASSIGN TO QTROUT.                        BNQTRRPT
001900 DATA DIVISION.                                                   BNQTRRPT
002000 FILE SECTION.                                                    BNQTRRPT
002100 FD  CLAIMANT-IN                                                  BNQTRRPT
002200     RECORDING MODE IS F.                                         BNQTRRPT
002300     COPY BNCLTREC.                                               BNQTRRPT
002400 FD  QTR-REPORT                                                   BNQTRRPT
002500     RECORDING MODE IS F.                                         BNQTRRPT
002600 01  QTR-LINE                    PIC X(133).                      BNQTRRPT
002700 WORKING-STORAGE SECTION.                                         BNQTRRPT
002800 01  WS-EOF                      PIC X     VALUE 'N'.             BNQTRRPT
002900     88  END-OF-CLAIMANTS                  VALUE 'Y'.             BNQTRRPT
003000 01  WS-COUNTS.                                                   BNQTRRPT
003100     05  WS-COUNT OCCURS 4 TIMES PIC 9(7) COMP-3.                 BNQTRRPT
003200 01  WS-IX                       PIC 9     VALUE 1.               BNQTRRPT
003300 PROCEDURE DIVISION.                                              BNQTRRPT
003400 0000-MAIN.                                                       BNQTRRPT
003500     OPEN INPUT CLAIMANT-IN OUTPUT QTR-REPORT                     BNQTRRPT
003600     PERFORM 1000-COUNT UNTIL END-OF-CLAIMANTS                    BNQTRRPT
003700     PERFORM 2000-PRINT VARYING WS-IX FROM 1 BY 1                 BNQTRRPT
003800             UNTIL WS-IX > 4                                      BNQTRRPT
003900     CLOSE CLAIMANT-IN QTR-REPORT                                 BNQTRRPT
004000     STOP RUN.                                                    BNQTRRPT
004100 1000-COUNT.                                                      BNQTRRPT
004200     READ CLAIMANT-IN                                             BNQTRRPT
004300         AT END SET END-OF-CLAIMANTS TO TRUE                      BNQTRRPT
004400         NOT AT END ADD 1 TO WS-COUNT (1)                         BNQTRRPT
004500     END-READ.                                                    BNQTRRPT
004600 2000-PRINT.                                                      BNQTRRPT
004700     MOVE SPACES TO QTR-LINE                                      BNQTRRPT
004800     WRITE QTR-LINE.                                              BNQTRRPT
