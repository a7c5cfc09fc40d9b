       IDENTIFICATION DIVISION.
       PROGRAM-ID. BNB300.
      *****************************************************************
      * BNB300 - PAYMENT POSTING AND RECONCILIATION                   *
      *   READS THE ISSUED PAYMENT FILE (PAYIN) AFTER CHEQUE NUMBER   *
      *   ALLOCATION, MARKS EACH PAYMENT POSTED ON DB2, PURGES        *
      *   CANCELLED PAYMENTS OLDER THAN THE RETENTION PERIOD AND      *
      *   PRINTS A CONTROL REPORT (RPTOUT).                           *
      *   CONTAINS NESTED PROGRAM BNFMTAMT (AMOUNT FORMATTING).       *
      *---------------------------------------------------------------*
      * 1997-02-03  K.LINDQVIST  ORIGINAL                             *
      * 1998-10-12  P.DEVLIN     Y2K                                  *
      * 2005-03-14  S.MARSH      RETENTION NOW 7 YEARS (AUDIT REC 12) *
      *****************************************************************
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT PAYMENT-IN   ASSIGN TO PAYIN
                  FILE STATUS IS WS-PAYIN-FS.
           SELECT CONTROL-RPT  ASSIGN TO RPTOUT
                  FILE STATUS IS WS-RPT-FS.
       DATA DIVISION.
       FILE SECTION.
       FD  PAYMENT-IN
           RECORDING MODE IS F.
           COPY BNPAYREC.
       FD  CONTROL-RPT
           RECORDING MODE IS F.
       01  RPT-LINE                    PIC X(133).
       WORKING-STORAGE SECTION.
       01  WS-PAYIN-FS                 PIC X(2).
       01  WS-RPT-FS                   PIC X(2).
       01  WS-EOF                      PIC X(1) VALUE 'N'.
           88  PAYIN-EOF                   VALUE 'Y'.
       01  WS-TOTALS.
           05  WS-POSTED               PIC S9(9)     COMP-3 VALUE 0.
           05  WS-NOT-FOUND            PIC S9(9)     COMP-3 VALUE 0.
           05  WS-PURGED               PIC S9(9)     COMP-3 VALUE 0.
           05  WS-ACTIVE-CLAIMS        PIC S9(9)     COMP   VALUE 0.
           05  WS-POSTED-AMT           PIC S9(11)V99 COMP-3 VALUE 0.
       01  WS-CUTOFF-ISO               PIC X(10).
       01  WS-DATE-PARMS.
           05  WS-DATE-FUNCTION        PIC X(4).
           05  WS-DATE-IN              PIC 9(8).
           05  WS-DATE-OUT             PIC 9(8).
           05  WS-DATE-DAYS            PIC S9(7)  COMP-3.
           05  WS-DATE-ISO             PIC X(10).
           05  WS-DATE-RC              PIC S9(4)  COMP.
       01  WS-FMT-AMOUNT               PIC S9(11)V99 COMP-3.
       01  WS-FMT-TEXT                 PIC X(20).
       01  WS-HEADING-1.
           05  FILLER                  PIC X(1)  VALUE '1'.
           05  FILLER                  PIC X(40)
                   VALUE 'BNB300  BENEFITS PAYMENT POSTING CONTROL'.
           05  FILLER                  PIC X(10) VALUE SPACES.
           05  H1-RUN-DATE             PIC X(10).
       01  WS-DETAIL-LINE.
           05  FILLER                  PIC X(1)  VALUE ' '.
           05  DL-LABEL                PIC X(30).
           05  DL-VALUE                PIC X(20).
           EXEC SQL INCLUDE SQLCA END-EXEC.
           EXEC SQL INCLUDE DCLPAYMT END-EXEC.
       PROCEDURE DIVISION.
       A000-MAIN.
           PERFORM B000-START
           PERFORM C000-POST-PAYMENT UNTIL PAYIN-EOF
           PERFORM D000-PURGE-CANCELLED
           PERFORM E000-CONTROL-REPORT
           CLOSE PAYMENT-IN CONTROL-RPT
           GOBACK.
       B000-START.
           OPEN INPUT  PAYMENT-IN
                OUTPUT CONTROL-RPT
           MOVE 'TDAY' TO WS-DATE-FUNCTION
           CALL 'BNDATE' USING WS-DATE-PARMS
           MOVE WS-DATE-OUT TO WS-DATE-IN
           MOVE 'ISO ' TO WS-DATE-FUNCTION
           CALL 'BNDATE' USING WS-DATE-PARMS
           MOVE WS-DATE-ISO TO H1-RUN-DATE
      *    RETENTION: 7 YEARS = 2557 DAYS
           MOVE 'SUBD' TO WS-DATE-FUNCTION
           MOVE 2557   TO WS-DATE-DAYS
           CALL 'BNDATE' USING WS-DATE-PARMS
           MOVE WS-DATE-ISO TO WS-CUTOFF-ISO
           PERFORM B100-READ-PAYMENT.
       B100-READ-PAYMENT.
           READ PAYMENT-IN
               AT END SET PAYIN-EOF TO TRUE
           END-READ.
       C000-POST-PAYMENT.
           MOVE PAY-PAYMENT-ID TO PM-PAYMENT-ID
           MOVE PAY-CHEQUE-NO  TO PM-CHEQUE-NO
           IF PAY-BY-BACS
               MOVE SPACES     TO PM-CHEQUE-NO
           END-IF
           EXEC SQL
               UPDATE BNSCHEMA.PAYMENT
                  SET STATUS    = 'P',
                      CHEQUE_NO = :PM-CHEQUE-NO
                WHERE PAYMENT_ID = :PM-PAYMENT-ID
                  AND STATUS IN ('N', 'I')
           END-EXEC
           EVALUATE TRUE
               WHEN SQLCODE = 0
                   ADD 1 TO WS-POSTED
                   ADD PAY-NET-AMT TO WS-POSTED-AMT
               WHEN SQLCODE = 100
                   ADD 1 TO WS-NOT-FOUND
                   DISPLAY 'BNB300 PAYMENT NOT ON DB2 ' PAY-PAYMENT-ID
               WHEN OTHER
                   DISPLAY 'BNB300 SQL ERROR ' SQLCODE
                   MOVE 16 TO RETURN-CODE
                   SET PAYIN-EOF TO TRUE
           END-EVALUATE
           PERFORM B100-READ-PAYMENT.
       D000-PURGE-CANCELLED.
           EXEC SQL
               DELETE FROM BNSCHEMA.PAYMENT
                WHERE STATUS   = 'X'
                  AND PAY_DATE < :WS-CUTOFF-ISO
           END-EXEC
           IF SQLCODE = 0
               MOVE SQLERRD(3) TO WS-PURGED
           END-IF
           EXEC SQL COMMIT END-EXEC.
       E000-CONTROL-REPORT.
           EXEC SQL
               SELECT COUNT(*)
                 INTO :WS-ACTIVE-CLAIMS
                 FROM BNSCHEMA.V_ACTIVE_CLAIM
           END-EXEC
           WRITE RPT-LINE FROM WS-HEADING-1
           MOVE 'PAYMENTS POSTED'        TO DL-LABEL
           MOVE WS-POSTED                TO WS-FMT-AMOUNT
           PERFORM E100-FORMAT-AND-PRINT
           MOVE 'PAYMENTS NOT FOUND'     TO DL-LABEL
           MOVE WS-NOT-FOUND             TO WS-FMT-AMOUNT
           PERFORM E100-FORMAT-AND-PRINT
           MOVE 'CANCELLED ROWS PURGED'  TO DL-LABEL
           MOVE WS-PURGED                TO WS-FMT-AMOUNT
           PERFORM E100-FORMAT-AND-PRINT
           MOVE 'ACTIVE CLAIMS ON DB2'   TO DL-LABEL
           MOVE WS-ACTIVE-CLAIMS         TO WS-FMT-AMOUNT
           PERFORM E100-FORMAT-AND-PRINT
           MOVE 'TOTAL NET POSTED'       TO DL-LABEL
           MOVE WS-POSTED-AMT            TO WS-FMT-AMOUNT
           PERFORM E100-FORMAT-AND-PRINT.
       E100-FORMAT-AND-PRINT.
           CALL 'BNFMTAMT' USING WS-FMT-AMOUNT WS-FMT-TEXT
           MOVE WS-FMT-TEXT TO DL-VALUE
           WRITE RPT-LINE FROM WS-DETAIL-LINE.
      *================================================================
      * NESTED PROGRAM - FORMAT A PACKED AMOUNT FOR PRINTING
      *================================================================
       IDENTIFICATION DIVISION.
       PROGRAM-ID. BNFMTAMT.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  WS-EDITED                   PIC ZZ,ZZZ,ZZZ,ZZ9.99-.
       LINKAGE SECTION.
       01  LK-AMOUNT                   PIC S9(11)V99 COMP-3.
       01  LK-TEXT                     PIC X(20).
       PROCEDURE DIVISION USING LK-AMOUNT LK-TEXT.
           MOVE LK-AMOUNT TO WS-EDITED
           MOVE SPACES    TO LK-TEXT
           MOVE WS-EDITED TO LK-TEXT(3:18)
           GOBACK.
       END PROGRAM BNFMTAMT.
       END PROGRAM BNB300.
