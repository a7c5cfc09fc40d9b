       IDENTIFICATION DIVISION.
       PROGRAM-ID. BNAUDIT.
      *****************************************************************
      * BNAUDIT - BATCH AUDIT TRAIL WRITER                            *
      *   APPENDS TO THE CUMULATIVE AUDIT LOG (DD AUDITLOG, DISP=MOD) *
      *   LK-AUD-FUNCTION  'O' OPEN   'W' WRITE   'C' CLOSE           *
      *   A 'W' WITHOUT A PRIOR 'O' OPENS THE FILE IMPLICITLY.        *
      * 1995-09-04  J.ABERNETHY  ORIGINAL                             *
      * 1999-01-11  P.DEVLIN     TIMESTAMP NOW CCYYMMDDHHMMSS         *
      *****************************************************************
       ENVIRONMENT DIVISION.
       INPUT-OUTPUT SECTION.
       FILE-CONTROL.
           SELECT AUDIT-LOG ASSIGN TO AUDITLOG
                  ORGANIZATION IS SEQUENTIAL
                  FILE STATUS IS WS-AUD-FS.
       DATA DIVISION.
       FILE SECTION.
       FD  AUDIT-LOG
           RECORDING MODE IS F.
       01  AUDIT-REC.
           05  AR-TIMESTAMP            PIC X(14).
           05  AR-PROGRAM              PIC X(8).
           05  AR-KEY                  PIC X(22).
           05  AR-ACTION               PIC X(8).
           05  AR-AMOUNT               PIC -(7)9.99.
           05  FILLER                  PIC X(17).
       WORKING-STORAGE SECTION.
       01  WS-AUD-FS                   PIC X(2).
       01  WS-OPEN-SW                  PIC X(1) VALUE 'N'.
           88  AUDIT-OPEN                  VALUE 'Y'.
           88  AUDIT-CLOSED                VALUE 'N'.
       01  WS-NOW                      PIC X(21).
       LINKAGE SECTION.
       01  LK-AUDIT-PARMS.
           05  LK-AUD-FUNCTION         PIC X(1).
           05  LK-AUD-PROGRAM          PIC X(8).
           05  LK-AUD-KEY              PIC X(22).
           05  LK-AUD-ACTION           PIC X(8).
           05  LK-AUD-AMOUNT           PIC S9(7)V99 COMP-3.
       PROCEDURE DIVISION USING LK-AUDIT-PARMS.
           EVALUATE LK-AUD-FUNCTION
               WHEN 'O'
                   PERFORM OPEN-LOG
               WHEN 'W'
                   IF AUDIT-CLOSED
                       PERFORM OPEN-LOG
                   END-IF
                   PERFORM WRITE-LOG
               WHEN 'C'
                   IF AUDIT-OPEN
                       CLOSE AUDIT-LOG
                       SET AUDIT-CLOSED TO TRUE
                   END-IF
           END-EVALUATE
           GOBACK.
       OPEN-LOG.
           OPEN EXTEND AUDIT-LOG
           IF WS-AUD-FS NOT = '00'
               DISPLAY 'BNAUDIT OPEN FAILED FS=' WS-AUD-FS
           ELSE
               SET AUDIT-OPEN TO TRUE
           END-IF.
       WRITE-LOG.
           MOVE FUNCTION CURRENT-DATE TO WS-NOW
           MOVE SPACES          TO AUDIT-REC
           MOVE WS-NOW(1:14)    TO AR-TIMESTAMP
           MOVE LK-AUD-PROGRAM  TO AR-PROGRAM
           MOVE LK-AUD-KEY      TO AR-KEY
           MOVE LK-AUD-ACTION   TO AR-ACTION
           MOVE LK-AUD-AMOUNT   TO AR-AMOUNT
           WRITE AUDIT-REC.
