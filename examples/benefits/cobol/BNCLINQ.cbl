       IDENTIFICATION DIVISION.
       PROGRAM-ID.    BNCLINQ.
       AUTHOR.        R.OKONJO.
       DATE-WRITTEN.  1996-04-02.
      *****************************************************************
      * BNCLINQ - CLAIMANT ENQUIRY                   TRANSACTION BN02 *
      *   ENTER A CLAIMANT ID: DETAILS FROM DB2 TABLE CLAIMANT, CLAIMS*
      *   FROM VSAM FILE CLMBYCLT (AIX PATH OVER CLAIMS BY CLAIMANT). *
      *   NI NUMBER FORMAT CHECKED BY LINK TO BNVALID.                *
      *   PF3 RETURNS TO THE MENU (BNMENU).  PF8 PAGES THE CLAIMS.    *
      *---------------------------------------------------------------*
      * 1996-04-02  R.OKONJO   ORIGINAL (VSAM CLAIMANT FILE)          *
      * 1997-03-10  K.LINDQVIST CLAIMANT DETAILS NOW FROM DB2         *
      * 2003-06-19  S.MARSH    BNVALID LINK                           *
      *****************************************************************
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  WS-RESP                     PIC S9(8) COMP.
       01  WS-IX                       PIC S9(4) COMP.
       01  WS-BROWSE-KEY               PIC X(10).
       01  WS-CLAIM-LINE.
           05  WS-CL-CLAIM-ID          PIC X(12).
           05  FILLER                  PIC X(2)  VALUE SPACES.
           05  WS-CL-BENEFIT           PIC X(3).
           05  FILLER                  PIC X(2)  VALUE SPACES.
           05  WS-CL-STATUS            PIC X(1).
           05  FILLER                  PIC X(2)  VALUE SPACES.
           05  WS-CL-START             PIC 9(8).
           05  FILLER                  PIC X(2)  VALUE SPACES.
           05  WS-CL-RATE              PIC ZZZ,ZZ9.99.
           05  FILLER                  PIC X(18) VALUE SPACES.
           COPY BNCLMREC REPLACING ==:TAG:== BY ==VSC==.
           COPY BNCOMMA.
           COPY BNMS02.
           COPY DFHAID.
           EXEC SQL INCLUDE SQLCA END-EXEC.
           EXEC SQL INCLUDE DCLCLMNT END-EXEC.
       LINKAGE SECTION.
       01  DFHCOMMAREA.
           05  FILLER                  PIC X(1)
               OCCURS 1 TO 300 TIMES DEPENDING ON EIBCALEN.
       PROCEDURE DIVISION.
       0000-MAIN.
           MOVE DFHCOMMAREA(1:EIBCALEN) TO BN-COMMAREA
           MOVE LOW-VALUES              TO BNM02O
           EVALUATE TRUE
               WHEN BN-CA-FIRST-TIME
                   PERFORM 1000-SEND-EMPTY
               WHEN EIBAID = DFHPF3
                   PERFORM 9000-RETURN-TO-MENU
               WHEN EIBAID = DFHENTER
                   PERFORM 2000-ENQUIRE
               WHEN EIBAID = DFHPF8
                   PERFORM 3000-NEXT-PAGE
               WHEN OTHER
                   MOVE 'PF3=MENU  ENTER=ENQUIRE  PF8=MORE CLAIMS'
                                        TO MSG2O
                   PERFORM 1000-SEND-EMPTY
           END-EVALUATE
           EXEC CICS RETURN TRANSID('BN02')
                COMMAREA(BN-COMMAREA)
                LENGTH(LENGTH OF BN-COMMAREA)
           END-EXEC.
       1000-SEND-EMPTY.
           SET BN-CA-MAP-SENT TO TRUE
           EXEC CICS SEND MAP('BNM02') MAPSET('BNMS02')
                FROM(BNM02O) ERASE
           END-EXEC.
       2000-ENQUIRE.
           EXEC CICS RECEIVE MAP('BNM02') MAPSET('BNMS02')
                INTO(BNM02I) RESP(WS-RESP)
           END-EXEC
           IF CLTIDL = 0
               MOVE 'ENTER A CLAIMANT ID' TO MSG2O
               PERFORM 1000-SEND-EMPTY
               GO TO 2000-EXIT
           END-IF
           MOVE CLTIDI                 TO CT-CLAIMANT-ID
                                          BN-CA-CLAIMANT-ID
           EXEC SQL
               SELECT NI_NUMBER, SURNAME, FORENAME, DATE_OF_BIRTH,
                      POSTCODE, STATUS
                 INTO :CT-NI-NUMBER, :CT-SURNAME, :CT-FORENAME,
                      :CT-DATE-OF-BIRTH, :CT-POSTCODE, :CT-STATUS
                 FROM BNSCHEMA.CLAIMANT
                WHERE CLAIMANT_ID = :CT-CLAIMANT-ID
           END-EXEC
           IF SQLCODE = 100
               MOVE 'CLAIMANT NOT FOUND'  TO MSG2O
               PERFORM 1000-SEND-EMPTY
               GO TO 2000-EXIT
           END-IF
      *    CHECK THE NI NUMBER HELD IS STILL A VALID FORMAT
           MOVE 'NINO'                 TO BN-VAL-FUNCTION
           MOVE CT-NI-NUMBER           TO BN-VAL-INPUT
           EXEC CICS LINK PROGRAM('BNVALID')
                COMMAREA(BN-COMMAREA)
                LENGTH(LENGTH OF BN-COMMAREA)
           END-EXEC
           IF NOT BN-VAL-OK
               MOVE BN-VAL-MESSAGE     TO MSG2O
           END-IF
           MOVE CT-CLAIMANT-ID         TO CLTIDO
           MOVE CT-NI-NUMBER           TO NINOO
           MOVE CT-SURNAME-TEXT        TO SNAMEO
           MOVE CT-FORENAME-TEXT       TO FNAMEO
           MOVE CT-DATE-OF-BIRTH       TO DOBO
           MOVE CT-POSTCODE            TO PCODEO
           MOVE CT-STATUS              TO STATO
           MOVE LOW-VALUES             TO BN-CA-BROWSE-KEY
           PERFORM 2500-BROWSE-CLAIMS
           EXEC CICS SEND MAP('BNM02') MAPSET('BNMS02')
                FROM(BNM02O) DATAONLY
           END-EXEC.
       2000-EXIT.
           EXIT.
       2500-BROWSE-CLAIMS.
           MOVE BN-CA-CLAIMANT-ID      TO WS-BROWSE-KEY
           EXEC CICS STARTBR DATASET('CLMBYCLT')
                RIDFLD(WS-BROWSE-KEY)
                KEYLENGTH(10) GENERIC GTEQ
                RESP(WS-RESP)
           END-EXEC
           IF WS-RESP NOT = DFHRESP(NORMAL)
               MOVE 'NO CLAIMS FOR THIS CLAIMANT' TO MSG2O
           ELSE
               PERFORM VARYING WS-IX FROM 1 BY 1
                       UNTIL WS-IX > 5
                          OR WS-RESP NOT = DFHRESP(NORMAL)
                   EXEC CICS READNEXT DATASET('CLMBYCLT')
                        INTO(VSC-RECORD)
                        RIDFLD(WS-BROWSE-KEY)
                        RESP(WS-RESP)
                   END-EXEC
                   IF WS-RESP = DFHRESP(NORMAL)
                      AND VSC-CLAIMANT-ID = BN-CA-CLAIMANT-ID
                       PERFORM 2600-FORMAT-LINE
                   ELSE
                       MOVE DFHRESP(ENDFILE) TO WS-RESP
                   END-IF
               END-PERFORM
               EXEC CICS ENDBR DATASET('CLMBYCLT') END-EXEC
           END-IF.
       2600-FORMAT-LINE.
           MOVE VSC-CLAIM-ID           TO WS-CL-CLAIM-ID
                                          BN-CA-BROWSE-KEY
           MOVE VSC-BENEFIT-TYPE       TO WS-CL-BENEFIT
           MOVE VSC-STATUS             TO WS-CL-STATUS
           MOVE VSC-START-DATE         TO WS-CL-START
           MOVE VSC-WEEKLY-RATE        TO WS-CL-RATE
           EVALUATE WS-IX
               WHEN 1 MOVE WS-CLAIM-LINE TO CLM1O
               WHEN 2 MOVE WS-CLAIM-LINE TO CLM2O
               WHEN 3 MOVE WS-CLAIM-LINE TO CLM3O
               WHEN 4 MOVE WS-CLAIM-LINE TO CLM4O
               WHEN 5 MOVE WS-CLAIM-LINE TO CLM5O
           END-EVALUATE.
       3000-NEXT-PAGE.
           IF BN-CA-CLAIMANT-ID = SPACES
               MOVE 'ENQUIRE ON A CLAIMANT FIRST' TO MSG2O
               PERFORM 1000-SEND-EMPTY
           ELSE
               PERFORM 2500-BROWSE-CLAIMS
               EXEC CICS SEND MAP('BNM02') MAPSET('BNMS02')
                    FROM(BNM02O) DATAONLY
               END-EXEC
           END-IF.
       9000-RETURN-TO-MENU.
           MOVE 'BNCLINQ'              TO BN-FROM-PROGRAM
           MOVE 'BNMENU'               TO BN-TO-PROGRAM
           MOVE SPACE                  TO BN-CA-STATE
           EXEC CICS XCTL PROGRAM(BN-TO-PROGRAM)
                COMMAREA(BN-COMMAREA)
                LENGTH(LENGTH OF BN-COMMAREA)
           END-EXEC.
