       IDENTIFICATION DIVISION.
       PROGRAM-ID.    BNPRCALC.
       AUTHOR.        S.MARSH.
       DATE-WRITTEN.  2004-02-09.
      *****************************************************************
      * BNPRCALC - FLAG CLAIM FOR RECALCULATION      TRANSACTION BNPR *
      *   STARTED (NON-TERMINAL) BY BNCLMNT WHEN A CLAIM'S BENEFIT    *
      *   TYPE OR RATE BAND CHANGES.  RETRIEVES THE CLAIM ID, READS   *
      *   THE CLAIMS KSDS AND SETS RECALC_FLAG ON DB2 SO THAT THE     *
      *   NIGHTLY BNB100 RUN PICKS IT UP.  WRITES TO TD QUEUE BNLG.   *
      *****************************************************************
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  WS-RESP                     PIC S9(8) COMP.
       01  WS-PR-DATA.
           05  WS-PR-CLAIM-ID          PIC X(12).
           05  WS-PR-USERID            PIC X(8).
           05  WS-PR-REASON            PIC X(4).
       01  WS-PR-LEN                   PIC S9(4) COMP VALUE 24.
       01  WS-LOG-MSG.
           05  FILLER                  PIC X(9)  VALUE 'BNPRCALC '.
           05  WS-LOG-CLAIM            PIC X(12).
           05  FILLER                  PIC X(1)  VALUE SPACE.
           05  WS-LOG-TEXT             PIC X(40).
           COPY BNCLMREC REPLACING ==:TAG:== BY ==PRC==.
           EXEC SQL INCLUDE SQLCA END-EXEC.
           EXEC SQL INCLUDE DCLCLAIM END-EXEC.
       PROCEDURE DIVISION.
       0000-MAIN.
           EXEC CICS RETRIEVE
                INTO(WS-PR-DATA)
                LENGTH(WS-PR-LEN)
                RESP(WS-RESP)
           END-EXEC
           IF WS-RESP NOT = DFHRESP(NORMAL)
               EXEC CICS RETURN END-EXEC
           END-IF
           MOVE WS-PR-CLAIM-ID TO WS-LOG-CLAIM
           EXEC CICS READ DATASET('CLAIMS')
                INTO(PRC-RECORD)
                RIDFLD(WS-PR-CLAIM-ID)
                RESP(WS-RESP)
           END-EXEC
           IF WS-RESP NOT = DFHRESP(NORMAL)
               MOVE 'CLAIM NOT ON KSDS - NOT FLAGGED' TO WS-LOG-TEXT
           ELSE
               MOVE PRC-CLAIM-ID     TO CL-CLAIM-ID
               MOVE PRC-BENEFIT-TYPE TO CL-BENEFIT-TYPE
               MOVE PRC-RATE-BAND    TO CL-RATE-BAND
               EXEC SQL
                   UPDATE BNSCHEMA.CLAIM
                      SET RECALC_FLAG  = 'Y',
                          BENEFIT_TYPE = :CL-BENEFIT-TYPE,
                          RATE_BAND    = :CL-RATE-BAND
                    WHERE CLAIM_ID = :CL-CLAIM-ID
               END-EXEC
               IF SQLCODE = 0
                   MOVE 'FLAGGED FOR RECALCULATION' TO WS-LOG-TEXT
               ELSE
                   MOVE 'DB2 UPDATE FAILED'         TO WS-LOG-TEXT
                   EXEC CICS SYNCPOINT ROLLBACK END-EXEC
               END-IF
           END-IF
           EXEC CICS WRITEQ TD QUEUE('BNLG')
                FROM(WS-LOG-MSG)
                LENGTH(LENGTH OF WS-LOG-MSG)
           END-EXEC
           EXEC CICS RETURN END-EXEC.
