000100 IDENTIFICATION DIVISION.                                         BNCLMNT
000200 PROGRAM-ID.    BNCLMNT.                                          BNCLMNT
000300 AUTHOR.        R.OKONJO.                                         BNCLMNT
000400 DATE-WRITTEN.  1996-05-20.                                       BNCLMNT
000500***************************************************************** BNCLMNT
000600* BNCLMNT - CLAIM MAINTENANCE                  TRANSACTION BN03 * BNCLMNT
000700*   ACTIONS  I = INQUIRE   A = ADD   C = CHANGE   D = DELETE    * BNCLMNT
000800*   MAINTAINS THE CLAIMS KSDS (FILE CLAIMS).  A CHANGE TO RATE  * BNCLMNT
000900*   BAND OR BENEFIT TYPE STARTS TRANSACTION BNPR TO FLAG THE    * BNCLMNT
001000*   CLAIM FOR RECALCULATION ON DB2.  DELETES NEED CONFIRMATION. * BNCLMNT
001100*---------------------------------------------------------------* BNCLMNT
001200* 1996-05-20  R.OKONJO   ORIGINAL                               * BNCLMNT
001300* 1998-11-02  P.DEVLIN   Y2K                                    * BNCLMNT
001400* 2003-06-19  S.MARSH    DATE AND CLAIM VALIDATION VIA BNVALID  * BNCLMNT
001500* 2004-02-09  S.MARSH    START BNPR INSTEAD OF NIGHTLY FLAG FILE* BNCLMNT
001600***************************************************************** BNCLMNT
001700 DATA DIVISION.                                                   BNCLMNT
001800 WORKING-STORAGE SECTION.                                         BNCLMNT
001900 01  WS-RESP                     PIC S9(8) COMP.                  BNCLMNT
002000 01  WS-CLAIM-KEY                PIC X(12).                       BNCLMNT
002100 01  WS-RECALC-SW                PIC X(1)  VALUE 'N'.             BNCLMNT
002200     88  RECALC-NEEDED               VALUE 'Y'.                   BNCLMNT
002300 01  WS-OLD-BENEFIT              PIC X(3).                        BNCLMNT
002400 01  WS-OLD-BAND                 PIC X(2).                        BNCLMNT
002500 01  WS-RATE-NUM                 PIC S9(7)V99.                    BNCLMNT
002550 01  WS-RATE-EDIT                PIC ZZZ,ZZ9.99.                  BNCLMNT
002600 01  WS-PR-DATA.                                                  BNCLMNT
002700     05  WS-PR-CLAIM-ID          PIC X(12).                       BNCLMNT
002800     05  WS-PR-USERID            PIC X(8).                        BNCLMNT
002900     05  WS-PR-REASON            PIC X(4).                        BNCLMNT
003000     COPY BNCLMREC REPLACING ==:TAG:== BY ==CMR==.                BNCLMNT
003100     COPY BNCOMMA.                                                BNCLMNT
003200     COPY BNMS03.                                                 BNCLMNT
003300     COPY DFHAID.                                                 BNCLMNT
003400     COPY DFHBMSCA.                                               BNCLMNT
003500 LINKAGE SECTION.                                                 BNCLMNT
003600 01  DFHCOMMAREA.                                                 BNCLMNT
003700     05  FILLER                  PIC X(1)                         BNCLMNT
003800         OCCURS 1 TO 300 TIMES DEPENDING ON EIBCALEN.             BNCLMNT
003900 PROCEDURE DIVISION.                                              BNCLMNT
004000 0000-MAIN.                                                       BNCLMNT
004100     MOVE DFHCOMMAREA(1:EIBCALEN) TO BN-COMMAREA                  BNCLMNT
004200     MOVE LOW-VALUES              TO BNM03O                       BNCLMNT
004300     IF BN-CA-FIRST-TIME                                          BNCLMNT
004400         PERFORM 8000-SEND-MAP                                    BNCLMNT
004500     ELSE                                                         BNCLMNT
004600         IF EIBAID = DFHPF3                                       BNCLMNT
004700             PERFORM 9000-RETURN-TO-MENU                          BNCLMNT
004800         ELSE                                                     BNCLMNT
004900             PERFORM 1000-RECEIVE                                 BNCLMNT
005000             EVALUATE ACTNI                                       BNCLMNT
005100                 WHEN 'I' PERFORM 2000-INQUIRE                    BNCLMNT
005200                 WHEN 'A' PERFORM 3000-ADD                        BNCLMNT
005300                 WHEN 'C' PERFORM 4000-CHANGE                     BNCLMNT
005400                 WHEN 'D' PERFORM 5000-DELETE                     BNCLMNT
005500                 WHEN OTHER                                       BNCLMNT
005600                     MOVE 'ACTION MUST BE I, A, C OR D'           BNCLMNT
005700                                        TO MSG3O                  BNCLMNT
005800                     MOVE DFHBMBRY      TO ACTNA                  BNCLMNT
005900             END-EVALUATE                                         BNCLMNT
006000             PERFORM 8000-SEND-MAP                                BNCLMNT
006100         END-IF                                                   BNCLMNT
006200     END-IF                                                       BNCLMNT
006300     EXEC CICS RETURN                                             BNCLMNT
006400          TRANSID('BN03')                                         BNCLMNT
006500          COMMAREA(BN-COMMAREA)                                   BNCLMNT
006600          LENGTH(LENGTH OF BN-COMMAREA)                           BNCLMNT
006700     END-EXEC.                                                    BNCLMNT
006800 1000-RECEIVE.                                                    BNCLMNT
006900     EXEC CICS RECEIVE MAP('BNM03')                               BNCLMNT
007000          MAPSET('BNMS03')                                        BNCLMNT
007100          INTO(BNM03I)                                            BNCLMNT
007200          RESP(WS-RESP)                                           BNCLMNT
007300     END-EXEC                                                     BNCLMNT
007400     MOVE CLMIDI                 TO WS-CLAIM-KEY                  BNCLMNT
007500                                    BN-CA-CLAIM-ID.               BNCLMNT
007600 2000-INQUIRE.                                                    BNCLMNT
007700     EXEC CICS READ FILE('CLAIMS')                                BNCLMNT
007800          INTO(CMR-RECORD)                                        BNCLMNT
007900          RIDFLD(WS-CLAIM-KEY)                                    BNCLMNT
008000          RESP(WS-RESP)                                           BNCLMNT
008100     END-EXEC                                                     BNCLMNT
008200     EVALUATE WS-RESP                                             BNCLMNT
008300         WHEN DFHRESP(NORMAL)                                     BNCLMNT
008400             PERFORM 7000-RECORD-TO-MAP                           BNCLMNT
008500             MOVE 'CLAIM DISPLAYED'   TO MSG3O                    BNCLMNT
008600         WHEN DFHRESP(NOTFND)                                     BNCLMNT
008700             MOVE 'CLAIM NOT FOUND'   TO MSG3O                    BNCLMNT
008800         WHEN OTHER                                               BNCLMNT
008900             MOVE 'CLAIMS FILE ERROR' TO MSG3O                    BNCLMNT
009000     END-EVALUATE.                                                BNCLMNT
009100 3000-ADD.                                                        BNCLMNT
009200     PERFORM 6000-VALIDATE                                        BNCLMNT
009300     IF NOT BN-VAL-OK                                             BNCLMNT
009400         GO TO 3000-EXIT                                          BNCLMNT
009500     END-IF                                                       BNCLMNT
009600     INITIALIZE CMR-RECORD                                        BNCLMNT
009700     MOVE WS-CLAIM-KEY           TO CMR-CLAIM-ID                  BNCLMNT
009800     PERFORM 7500-MAP-TO-RECORD                                   BNCLMNT
009900     SET CMR-ACTIVE              TO TRUE                          BNCLMNT
010000     EXEC CICS WRITE FILE('CLAIMS')                               BNCLMNT
010100          FROM(CMR-RECORD)                                        BNCLMNT
010200          RIDFLD(CMR-CLAIM-ID)                                    BNCLMNT
010300          RESP(WS-RESP)                                           BNCLMNT
010400     END-EXEC                                                     BNCLMNT
010500     IF WS-RESP = DFHRESP(DUPREC)                                 BNCLMNT
010600         MOVE 'CLAIM ALREADY EXISTS' TO MSG3O                     BNCLMNT
010700     ELSE                                                         BNCLMNT
010800         MOVE 'CLAIM ADDED'          TO MSG3O                     BNCLMNT
010900         SET RECALC-NEEDED           TO TRUE                      BNCLMNT
011000         PERFORM 6500-START-RECALC                                BNCLMNT
011100     END-IF.                                                      BNCLMNT
011200 3000-EXIT.                                                       BNCLMNT
011300     EXIT.                                                        BNCLMNT
011400 4000-CHANGE.                                                     BNCLMNT
011500     PERFORM 6000-VALIDATE                                        BNCLMNT
011600     IF NOT BN-VAL-OK                                             BNCLMNT
011700         GO TO 4000-EXIT                                          BNCLMNT
011800     END-IF                                                       BNCLMNT
011900     EXEC CICS READ FILE('CLAIMS')                                BNCLMNT
012000          INTO(CMR-RECORD)                                        BNCLMNT
012100          RIDFLD(WS-CLAIM-KEY)                                    BNCLMNT
012200          UPDATE                                                  BNCLMNT
012300          RESP(WS-RESP)                                           BNCLMNT
012400     END-EXEC                                                     BNCLMNT
012500     IF WS-RESP NOT = DFHRESP(NORMAL)                             BNCLMNT
012600         MOVE 'CLAIM NOT FOUND FOR UPDATE' TO MSG3O               BNCLMNT
012700         GO TO 4000-EXIT                                          BNCLMNT
012800     END-IF                                                       BNCLMNT
012900     MOVE CMR-BENEFIT-TYPE       TO WS-OLD-BENEFIT                BNCLMNT
013000     MOVE CMR-RATE-BAND          TO WS-OLD-BAND                   BNCLMNT
013100     PERFORM 7500-MAP-TO-RECORD                                   BNCLMNT
013200     IF CMR-BENEFIT-TYPE NOT = WS-OLD-BENEFIT                     BNCLMNT
013300        OR CMR-RATE-BAND NOT = WS-OLD-BAND                        BNCLMNT
013400         SET RECALC-NEEDED       TO TRUE                          BNCLMNT
013500     END-IF                                                       BNCLMNT
013600     EXEC CICS REWRITE FILE('CLAIMS')                             BNCLMNT
013700          FROM(CMR-RECORD)                                        BNCLMNT
013800          RESP(WS-RESP)                                           BNCLMNT
013900     END-EXEC                                                     BNCLMNT
014000     MOVE 'CLAIM UPDATED'        TO MSG3O                         BNCLMNT
014100     IF RECALC-NEEDED                                             BNCLMNT
014200         PERFORM 6500-START-RECALC                                BNCLMNT
014300     END-IF.                                                      BNCLMNT
014400 4000-EXIT.                                                       BNCLMNT
014500     EXIT.                                                        BNCLMNT
014600 5000-DELETE.                                                     BNCLMNT
014700     IF NOT BN-CA-CONFIRM-PENDING                                 BNCLMNT
014800         MOVE 'PRESS ENTER AGAIN TO CONFIRM DELETE' TO MSG3O      BNCLMNT
014900         SET BN-CA-CONFIRM-PENDING TO TRUE                        BNCLMNT
015000     ELSE                                                         BNCLMNT
015100         EXEC CICS DELETE FILE('CLAIMS')                          BNCLMNT
015200              RIDFLD(WS-CLAIM-KEY)                                BNCLMNT
015300              RESP(WS-RESP)                                       BNCLMNT
015400         END-EXEC                                                 BNCLMNT
015500         IF WS-RESP = DFHRESP(NORMAL)                             BNCLMNT
015600             MOVE 'CLAIM DELETED'    TO MSG3O                     BNCLMNT
015700         ELSE                                                     BNCLMNT
015800             MOVE 'DELETE FAILED'    TO MSG3O                     BNCLMNT
015900         END-IF                                                   BNCLMNT
016000         SET BN-CA-MAP-SENT      TO TRUE                          BNCLMNT
016100     END-IF.                                                      BNCLMNT
016200 6000-VALIDATE.                                                   BNCLMNT
016300     MOVE 'DATE'                 TO BN-VAL-FUNCTION               BNCLMNT
016400     MOVE STDATEI                TO BN-VAL-INPUT                  BNCLMNT
016500     EXEC CICS LINK PROGRAM('BNVALID')                            BNCLMNT
016600          COMMAREA(BN-COMMAREA)                                   BNCLMNT
016700          LENGTH(LENGTH OF BN-COMMAREA)                           BNCLMNT
016800     END-EXEC                                                     BNCLMNT
016900     IF BN-VAL-OK                                                 BNCLMNT
017000         MOVE 'CLAM'             TO BN-VAL-FUNCTION               BNCLMNT
017100         STRING BENTYPI BANDI DELIMITED BY SIZE                   BNCLMNT
017200                INTO BN-VAL-INPUT                                 BNCLMNT
017300         EXEC CICS LINK PROGRAM('BNVALID')                        BNCLMNT
017400              COMMAREA(BN-COMMAREA)                               BNCLMNT
017500              LENGTH(LENGTH OF BN-COMMAREA)                       BNCLMNT
017600         END-EXEC                                                 BNCLMNT
017700     END-IF                                                       BNCLMNT
017800     IF NOT BN-VAL-OK                                             BNCLMNT
017900         MOVE BN-VAL-MESSAGE     TO MSG3O                         BNCLMNT
018000     END-IF.                                                      BNCLMNT
018100 6500-START-RECALC.                                               BNCLMNT
018200     MOVE CMR-CLAIM-ID           TO WS-PR-CLAIM-ID                BNCLMNT
018300     MOVE EIBTRMID               TO WS-PR-USERID                  BNCLMNT
018400     MOVE 'RATE'                 TO WS-PR-REASON                  BNCLMNT
018500     EXEC CICS START TRANSID('BNPR')                              BNCLMNT
018600          FROM(WS-PR-DATA)                                        BNCLMNT
018700          LENGTH(LENGTH OF WS-PR-DATA)                            BNCLMNT
018800          NOCHECK                                                 BNCLMNT
018900     END-EXEC.                                                    BNCLMNT
019000 7000-RECORD-TO-MAP.                                              BNCLMNT
019100     MOVE CMR-CLAIM-ID           TO CLMIDO                        BNCLMNT
019200     MOVE CMR-CLAIMANT-ID        TO CLTID3O                       BNCLMNT
019300     MOVE CMR-BENEFIT-TYPE       TO BENTYPO                       BNCLMNT
019400     MOVE CMR-RATE-BAND          TO BANDO                         BNCLMNT
019500     MOVE CMR-STATUS             TO STATUSO                       BNCLMNT
019600     MOVE CMR-START-DATE         TO STDATEO                       BNCLMNT
019700     MOVE CMR-END-DATE           TO ENDATEO                       BNCLMNT
019800     MOVE CMR-WEEKLY-RATE        TO WS-RATE-EDIT                  BNCLMNT
019850     MOVE WS-RATE-EDIT           TO RATEO.                        BNCLMNT
019900 7500-MAP-TO-RECORD.                                              BNCLMNT
020000     MOVE CLTID3I                TO CMR-CLAIMANT-ID               BNCLMNT
020100     MOVE BENTYPI                TO CMR-BENEFIT-TYPE              BNCLMNT
020200     MOVE BANDI                  TO CMR-RATE-BAND                 BNCLMNT
020300     MOVE STDATEI                TO CMR-START-DATE                BNCLMNT
020400     IF ENDATEL > 0                                               BNCLMNT
020500         MOVE ENDATEI            TO CMR-END-DATE                  BNCLMNT
020600     END-IF                                                       BNCLMNT
020700     COMPUTE WS-RATE-NUM = FUNCTION NUMVAL(RATEI)                 BNCLMNT
020800     MOVE WS-RATE-NUM            TO CMR-WEEKLY-RATE.              BNCLMNT
020900 8000-SEND-MAP.                                                   BNCLMNT
021000     IF NOT BN-CA-CONFIRM-PENDING                                 BNCLMNT
021100         SET BN-CA-MAP-SENT      TO TRUE                          BNCLMNT
021200     END-IF                                                       BNCLMNT
021300     EXEC CICS SEND MAP('BNM03')                                  BNCLMNT
021400          MAPSET('BNMS03')                                        BNCLMNT
021500          FROM(BNM03O)                                            BNCLMNT
021600          ERASE                                                   BNCLMNT
021700     END-EXEC.                                                    BNCLMNT
021800 9000-RETURN-TO-MENU.                                             BNCLMNT
021900     MOVE 'BNCLMNT'              TO BN-FROM-PROGRAM               BNCLMNT
022000     MOVE 'BNMENU'               TO BN-TO-PROGRAM                 BNCLMNT
022100     MOVE SPACE                  TO BN-CA-STATE                   BNCLMNT
022200     EXEC CICS XCTL                                               BNCLMNT
022300          PROGRAM(BN-TO-PROGRAM)                                  BNCLMNT
022400          COMMAREA(BN-COMMAREA)                                   BNCLMNT
022500          LENGTH(LENGTH OF BN-COMMAREA)                           BNCLMNT
022600     END-EXEC.                                                    BNCLMNT
