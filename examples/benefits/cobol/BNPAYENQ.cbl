       IDENTIFICATION DIVISION.
       PROGRAM-ID.    BNPAYENQ.
       AUTHOR.        P.DEVLIN.
       DATE-WRITTEN.  1999-08-30.
      *****************************************************************
      * BNPAYENQ - PAYMENT HISTORY ENQUIRY           TRANSACTION BN04 *
      *   LISTS THE LAST 8 PAYMENTS FOR A CLAIM FROM DB2 (PAYMENT).   *
      *   MAP BNM04 IN MAPSET BNMS02.  PF3 = BACK TO MENU.            *
      *****************************************************************
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  WS-RESP                     PIC S9(8) COMP.
       01  WS-ROW                      PIC S9(4) COMP.
       01  WS-EOF                      PIC X(1).
       01  WS-PAY-LINE.
           05  WS-PL-DATE              PIC X(10).
           05  FILLER                  PIC X(2)  VALUE SPACES.
           05  WS-PL-NET               PIC ZZZ,ZZ9.99.
           05  FILLER                  PIC X(2)  VALUE SPACES.
           05  WS-PL-METHOD            PIC X(1).
           05  FILLER                  PIC X(2)  VALUE SPACES.
           05  WS-PL-CHEQUE            PIC X(8).
           05  FILLER                  PIC X(2)  VALUE SPACES.
           05  WS-PL-STATUS            PIC X(1).
           05  FILLER                  PIC X(32) VALUE SPACES.
       01  WS-PAY-LINES.
           05  WS-PAY-LINE-T           PIC X(70) OCCURS 8 TIMES.
           COPY BNCOMMA.
           COPY BNMS02.
           COPY DFHAID.
           EXEC SQL INCLUDE SQLCA END-EXEC.
           EXEC SQL INCLUDE DCLPAYMT END-EXEC.
           EXEC SQL DECLARE CSR-PAYHIST CURSOR FOR
                SELECT PAY_DATE, NET_AMT, PAY_METHOD,
                       VALUE(CHEQUE_NO, ' '), STATUS
                  FROM BNSCHEMA.PAYMENT
                 WHERE CLAIM_ID = :PM-CLAIM-ID
                 ORDER BY PAY_DATE DESC
                 FETCH FIRST 8 ROWS ONLY
           END-EXEC.
       LINKAGE SECTION.
       01  DFHCOMMAREA.
           05  FILLER                  PIC X(1)
               OCCURS 1 TO 300 TIMES DEPENDING ON EIBCALEN.
       PROCEDURE DIVISION.
       MAIN-LOGIC.
           MOVE DFHCOMMAREA(1:EIBCALEN) TO BN-COMMAREA
           MOVE LOW-VALUES TO BNM04O
           IF BN-CA-FIRST-TIME
               SET BN-CA-MAP-SENT TO TRUE
               MOVE BN-CA-CLAIM-ID TO CLMID4O
           ELSE
               IF EIBAID = DFHPF3
                   MOVE 'BNPAYENQ' TO BN-FROM-PROGRAM
                   MOVE 'BNMENU'   TO BN-TO-PROGRAM
                   MOVE SPACE      TO BN-CA-STATE
                   EXEC CICS XCTL PROGRAM(BN-TO-PROGRAM)
                        COMMAREA(BN-COMMAREA)
                        LENGTH(LENGTH OF BN-COMMAREA)
                   END-EXEC
               END-IF
               EXEC CICS RECEIVE MAP('BNM04') MAPSET('BNMS02')
                    INTO(BNM04I) RESP(WS-RESP)
               END-EXEC
               MOVE CLMID4I TO PM-CLAIM-ID BN-CA-CLAIM-ID
               PERFORM LIST-PAYMENTS
           END-IF
           EXEC CICS SEND MAP('BNM04') MAPSET('BNMS02')
                FROM(BNM04O) ERASE
           END-EXEC
           EXEC CICS RETURN TRANSID('BN04')
                COMMAREA(BN-COMMAREA)
                LENGTH(LENGTH OF BN-COMMAREA)
           END-EXEC.
       LIST-PAYMENTS.
           MOVE SPACES TO WS-PAY-LINES
           MOVE 'N'    TO WS-EOF
           EXEC SQL OPEN CSR-PAYHIST END-EXEC
           PERFORM VARYING WS-ROW FROM 1 BY 1
                   UNTIL WS-ROW > 8 OR WS-EOF = 'Y'
               EXEC SQL FETCH CSR-PAYHIST
                    INTO :PM-PAY-DATE, :PM-NET-AMT, :PM-PAY-METHOD,
                         :PM-CHEQUE-NO, :PM-STATUS
               END-EXEC
               IF SQLCODE = 0
                   MOVE PM-PAY-DATE   TO WS-PL-DATE
                   MOVE PM-NET-AMT    TO WS-PL-NET
                   MOVE PM-PAY-METHOD TO WS-PL-METHOD
                   MOVE PM-CHEQUE-NO  TO WS-PL-CHEQUE
                   MOVE PM-STATUS     TO WS-PL-STATUS
                   MOVE WS-PAY-LINE   TO WS-PAY-LINE-T(WS-ROW)
               ELSE
                   MOVE 'Y' TO WS-EOF
               END-IF
           END-PERFORM
           EXEC SQL CLOSE CSR-PAYHIST END-EXEC
           IF WS-PAY-LINE-T(1) = SPACES
               MOVE 'NO PAYMENTS FOUND FOR THIS CLAIM' TO MSG4O
           END-IF
           MOVE WS-PAY-LINE-T(1) TO PAY1O
           MOVE WS-PAY-LINE-T(2) TO PAY2O
           MOVE WS-PAY-LINE-T(3) TO PAY3O
           MOVE WS-PAY-LINE-T(4) TO PAY4O
           MOVE WS-PAY-LINE-T(5) TO PAY5O
           MOVE WS-PAY-LINE-T(6) TO PAY6O
           MOVE WS-PAY-LINE-T(7) TO PAY7O
           MOVE WS-PAY-LINE-T(8) TO PAY8O.
